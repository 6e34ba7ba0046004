import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The guides show example files whole, after an `<!-- example: path -->` marker; those files run with the
// tests (testingActions.test.ts, kvStore.test.ts), so the code a reader copies is code that passes.
const repo = new URL('../../../../', import.meta.url);
const GUIDES = ['docs/guides/testing-actions.md', 'docs/guides/writing-stores.md'];
const EXAMPLE = /<!-- example: (\S+) -->\n\n```ts\n([\s\S]*?)```\n/g;

describe.each(GUIDES)('%s', (guide) => {
  const text = readFileSync(new URL(guide, repo), 'utf8');
  const examples = [...text.matchAll(EXAMPLE)].map(([, path, code]) => ({ path: path!, code: code! }));

  it('shows at least one example file', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it('shows each example file exactly as it is in the repository', () => {
    for (const { path, code } of examples) expect(code, path).toBe(readFileSync(new URL(path, repo), 'utf8'));
  });

  it('names only example files that are tests or used by one', () => {
    for (const { path } of examples) expect(path).toMatch(/^packages\/core\/test\/docs\/\w+(\.test)?\.ts$/);
  });
});
