// Generates src/monitor/monitorConfig.generated.ts from src/monitor/monitorConfig.schema.json, the
// monitor config's one source of truth. `pnpm --filter @firstline/cli gen` writes it; the test
// src/monitor/monitorConfig.test.ts fails when the two disagree.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const schemaPath = here('../src/monitor/monitorConfig.schema.json');
export const typesPath = here('../src/monitor/monitorConfig.generated.ts');

/** Renders the TypeScript types for the monitor config schema. */
export async function renderTypes() {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  const body = await compile(schema, 'MonitorConfig', {
    bannerComment: '',
    additionalProperties: false,
    format: true,
    style: { singleQuote: true, printWidth: 110, trailingComma: 'all' },
  });
  const cleaned = body
    .replace(
      /\n \*\n \* This interface was referenced by `.*`'s JSON-Schema\n \* via the `definition` "\w+"\./g,
      '',
    )
    .replace(
      /^ \* This interface was referenced by `.*`'s JSON-Schema\n \* via the `definition` "\w+"\.\n/gm,
      '',
    )
    .replace(/\/\*\*\n \*\/\n/g, '');
  return `// Generated from monitorConfig.schema.json by scripts/gen-monitor-types.mjs. Do not edit by hand.\n\n${cleaned}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(typesPath, await renderTypes());
  console.log(`wrote ${typesPath}`);
}
