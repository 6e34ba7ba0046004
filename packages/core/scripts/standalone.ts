// ajv's standalone code, made self-contained: the validators it renders `require` two small runtime
// helpers from ajv; they are written out here so a generated module needs no part of ajv at all.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';

const RUNTIME = `
function ucs2length(str) {
  let length = 0;
  for (const _ of str) length++;
  return length;
}
function equal(a, b) {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return a !== a && b !== b;
}
`;

/**
 * Renders ajv's standalone ESM code for `validate` (one validator) or for the schemas `refs` names
 * (export name → schema key), preceded by the runtime helpers it uses. Throws if the code would still
 * require a module.
 */
export function renderStandalone(ajv: Ajv2020, validateOrRefs: unknown): string {
  // ajv's CJS packaging makes `standaloneCode` the module's default export, or its `default`.
  const render = ((standalone as unknown as { default?: unknown }).default ?? standalone) as (
    a: Ajv2020,
    v: unknown,
  ) => string;
  const code = render(ajv, validateOrRefs)
    .replace(/^"use strict";/, '')
    .replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, 'ucs2length')
    .replace(/require\("ajv\/dist\/runtime\/equal"\)\.default/g, 'equal');
  if (code.includes('require(')) throw new Error('the standalone validator still requires a module');
  return [RUNTIME.trim(), code.trim()].join('\n');
}
