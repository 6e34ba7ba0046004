// Generates src/format/playbook.generated.ts from src/format/schema.json, the format's one source of
// truth. `pnpm gen` writes it; the test `format/schema.test.ts` fails when the two disagree.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { schemaToTypes } from '../../../scripts/schemaToTypes.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const schemaPath = here('../src/format/schema.json');
export const typesPath = here('../src/format/playbook.generated.ts');

/** Renders the TypeScript types for the playbook schema. */
export async function renderTypes() {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  // The root `oneOf` only says "checks or steps, not both"; the validator reports it as E_FORM.
  // Left in, it would intersect Playbook with two anonymous object types that add nothing.
  delete schema.oneOf;
  // A key's own description, default or examples beside a `$ref` serve editors and the reference docs;
  // json-schema-to-typescript would turn each into a numbered alias (Duration1, Duration2…) of the same type.
  stripRefSiblings(schema);
  const cleaned = await schemaToTypes(schema, 'Playbook', { unreachableDefinitions: true });
  return `// Generated from schema.json by scripts/gen-types.mjs (pnpm gen). Do not edit by hand.\n\n${cleaned}`;
}

/** Drops the annotations json-schema-to-typescript would turn into numbered aliases, in place. */
function stripRefSiblings(node) {
  if (Array.isArray(node)) node.forEach(stripRefSiblings);
  else if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string')
      for (const key of ['description', 'default', 'examples']) delete node[key];
    Object.values(node).forEach(stripRefSiblings);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(typesPath, await renderTypes());
  console.log(`wrote ${typesPath}`);
}
