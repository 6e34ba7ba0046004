// Build step: writes packages/cli/schema.json, the playbook schema with the installed actions folded in,
// shipped as `@firstline/cli/schema.json` for editors. Runs after tsup, from the fresh dist.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { editorSchema, installedActions } from '../dist/index.js';

const { actions } = await installedActions({});
const target = fileURLToPath(new URL('../schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(editorSchema(actions), null, 2)}\n`);
