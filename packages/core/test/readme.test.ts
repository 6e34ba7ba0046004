import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPlaybook, formatIssue, ISSUE_CODES } from '@firstline/core';

// The README is documentation people copy from; these tests keep what it shows true.
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every issue code with its meaning, and no others', () => {
    const rows = [...readme.matchAll(/^\|\s*`(E_[A-Z_0-9]+)`\s*\|\s*(.+?)\s*\|$/gm)].map(
      ([, code, meaning]) => [code, meaning],
    );
    expect(Object.fromEntries(rows)).toEqual(ISSUE_CODES);
  });

  it('shows validator output that the validator really prints', async () => {
    const result = await checkPlaybook(new URL('fixtures/docs/playbook.yaml', import.meta.url));
    expect(result.issues.length).toBeGreaterThan(0);
    for (const issue of result.issues) expect(readme).toContain(formatIssue(issue, 'playbook.yaml'));
  });

  it('opens with exactly the two commands a newcomer runs', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/pnpm install && pnpm demo/);
    expect(commands[1]).toMatch(/^pnpm test\b/);
  });
});
