// `pnpm gen:actions-doc`: writes docs/reference/actions.md from the action definitions (the built
// packages: run `pnpm build` first). packages/cli/test/actionsDoc.test.ts fails when the file drifts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { referenceActions, renderActionsMarkdown } from '../dist/index.js';

const target = fileURLToPath(new URL('../../../docs/reference/actions.md', import.meta.url));
const markdown = renderActionsMarkdown(await referenceActions());
const config = (await prettier.resolveConfig(target)) ?? {};
writeFileSync(target, await prettier.format(markdown, { ...config, filepath: target }));
console.log(`wrote ${target}`);
