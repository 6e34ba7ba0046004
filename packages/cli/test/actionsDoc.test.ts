import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { expect, it } from 'vitest';
import { referenceActions, renderActionsMarkdown } from '@firstline/cli';

// docs/reference/actions.md is generated from the action definitions (`pnpm gen:actions-doc`); this
// fails when a definition changed and the committed file was not regenerated, so it cannot drift.

const DOC = fileURLToPath(new URL('../../../docs/reference/actions.md', import.meta.url));

it('docs/reference/actions.md is what the action definitions generate (else: pnpm build && pnpm gen:actions-doc)', async () => {
  const config = (await prettier.resolveConfig(DOC)) ?? {};
  const generated = await prettier.format(renderActionsMarkdown(await referenceActions()), {
    ...config,
    filepath: DOC,
  });
  expect(readFileSync(DOC, 'utf8')).toBe(generated);
  expect(generated).toContain('## aws.ec2.reboot');
});
