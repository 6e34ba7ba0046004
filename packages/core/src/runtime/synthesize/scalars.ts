import type { JSONSchema } from '../../actions/types.js';
import { digest, fraction } from './seed.js';
import type { SynthesisSeed } from './seed.js';

// Minimal valid scalars for a schema with no example and no default. Strings and numbers are derived
// from the seed, so two steps (or two runs) get different ids while one run always gets the same ones.

/** The fixed instant synthesized date-times use (the virtual clock's start), so traces stay stable. */
const EPOCH = Date.UTC(2024, 0, 1);

/** A minimal string for `schema`: its format when known, a simple pattern, else a seeded id. */
export function minimalString(schema: JSONSchema, seed: SynthesisSeed, path: string): string {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  const id = `${seed.stepId.replace(/[^A-Za-z0-9]+/g, '-')}-${digest(seed, path, 8)}`;
  let value: string;
  switch (schema.format) {
    case 'date-time':
      value = new Date(EPOCH + Math.floor(fraction(seed, path) * 86_400) * 1000).toISOString();
      break;
    case 'date':
      value = new Date(EPOCH).toISOString().slice(0, 10);
      break;
    case 'uri':
    case 'url':
    case 'iri':
      value = `https://example.com/${seed.stepId}/${digest(seed, path, 8)}`;
      break;
    case 'email':
      value = `${digest(seed, path, 8)}@example.com`;
      break;
    case 'uuid': {
      const h = digest(seed, path, 32);
      value = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
      break;
    }
    case 'ipv4':
      value = `192.0.2.${1 + Math.floor(fraction(seed, path) * 250)}`;
      break;
    case 'hostname':
      value = `${id.toLowerCase()}.example.com`;
      break;
    default:
      value = typeof schema.pattern === 'string' ? (fromPattern(schema.pattern, seed, path) ?? id) : id;
  }
  while (value.length < minLength) value += digest(seed, `${path}#${value.length}`, 8);
  return value.length > maxLength ? value.slice(0, maxLength) : value;
}

/** A minimal number within `minimum`/`maximum` (exclusive bounds too), a whole one for integers. */
export function minimalNumber(schema: JSONSchema, integer: boolean): number {
  const exMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const exMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  const step = integer ? 1 : 0.5;
  let value = min ?? (exMin !== undefined ? exMin + step : 0);
  if (min === undefined && exMin === undefined && max !== undefined && value > max) value = max;
  if (exMax !== undefined && value >= exMax) value = exMax - step;
  if (integer) value = Math.ceil(value);
  const multiple = typeof schema.multipleOf === 'number' ? schema.multipleOf : undefined;
  if (multiple) value = Math.ceil(value / multiple) * multiple;
  return value;
}

/**
 * A string matching a simple pattern: a literal prefix, then character classes with counts
 * (`^i-[0-9a-f]{8,17}$`, `^[A-Z]+$`). Anything fancier (groups, alternation) gives undefined.
 */
export function fromPattern(pattern: string, seed: SynthesisSeed, path: string): string | undefined {
  if (/[()|]/.test(pattern) || !pattern.startsWith('^')) return undefined;
  const body = pattern.slice(1).replace(/\$$/, '');
  const hex = digest(seed, path, 64);
  let out = '';
  let i = 0;
  while (i < body.length) {
    let chars: string;
    if (body[i] === '[') {
      const end = body.indexOf(']', i);
      if (end < 0) return undefined;
      chars = expandClass(body.slice(i + 1, end));
      i = end + 1;
    } else if (body[i] === '\\') {
      const esc = body[i + 1];
      chars = esc === 'd' ? '0123456789' : esc === 'w' ? 'abcdefghij' : (esc ?? '');
      i += 2;
    } else if (body[i] === '.') {
      chars = 'abcdef';
      i += 1;
    } else {
      chars = body[i]!;
      i += 1;
    }
    if (!chars) return undefined;
    let count = 1;
    const quant = /^(\{(\d+)(,(\d*))?\}|\+|\*|\?)/.exec(body.slice(i));
    if (quant) {
      count = quant[2] !== undefined ? Number(quant[2]) : quant[0] === '+' ? 1 : quant[0] === '*' ? 1 : 0;
      i += quant[0].length;
    }
    for (let n = 0; n < count; n++) out += chars[parseInt(hex[(out.length + n) % 64]!, 16) % chars.length];
  }
  return new RegExp(pattern).test(out) ? out : undefined;
}

function expandClass(spec: string): string {
  if (spec.startsWith('^')) return '';
  let chars = '';
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      for (let c = spec.charCodeAt(i); c <= spec.charCodeAt(i + 2); c++) chars += String.fromCharCode(c);
      i += 2;
    } else if (spec[i] === '\\' && spec[i + 1] === 'd') {
      chars += '0123456789';
      i += 1;
    } else chars += spec[i];
  }
  return chars;
}
