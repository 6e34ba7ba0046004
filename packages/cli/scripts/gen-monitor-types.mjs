// Generates src/monitor/monitorConfig.generated.ts from src/monitor/monitorConfig.schema.json, the
// monitor config's one source of truth. `pnpm --filter @firstline/cli gen` writes it; the test
// src/monitor/monitorConfig.test.ts fails when the two disagree.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { schemaToTypes } from '../../../scripts/schemaToTypes.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const schemaPath = here('../src/monitor/monitorConfig.schema.json');
export const typesPath = here('../src/monitor/monitorConfig.generated.ts');

/** Renders the TypeScript types for the monitor config schema. */
export async function renderTypes() {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  const cleaned = await schemaToTypes(schema, 'MonitorConfig');
  return `// Generated from monitorConfig.schema.json by scripts/gen-monitor-types.mjs. Do not edit by hand.\n\n${cleaned}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(typesPath, await renderTypes());
  console.log(`wrote ${typesPath}`);
}
