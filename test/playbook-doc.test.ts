import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docPath, renderPlaybookDoc } from '../scripts/gen-playbook-doc.js';
import schema from '../packages/core/src/format/schema.json' with { type: 'json' };

// docs/reference/playbook.md is generated from the schema, so the reference cannot drift from what the
// validator accepts; this fails when someone changes the schema and forgets to regenerate.
describe('docs/reference/playbook.md', () => {
  const committed = readFileSync(docPath, 'utf8');

  // Rendering loads prettier and formats the whole page: a second alone, 9 s at load 17. A wider
  // bound, the same assertion.
  it('is what `pnpm gen:playbook-doc` writes from schema.json today', { timeout: 30_000 }, async () => {
    const fresh = await renderPlaybookDoc();
    expect(fresh === committed, 'docs/reference/playbook.md is stale: run `pnpm gen:playbook-doc`').toBe(
      true,
    );
  });

  it('has a section for every definition and a row for every top-level key', () => {
    for (const def of Object.values(schema.$defs) as { title?: string }[])
      expect(committed).toMatch(new RegExp(`^### ${def.title}$`, 'm'));
    for (const key of Object.keys(schema.properties)) expect(committed).toContain(`| \`${key}\``);
  });

  it('shows defaults, allowed values and examples from the schema', () => {
    expect(committed).toMatch(/\| `timeout` .*\| `1h` .*\| .*At most 24h/);
    expect(committed).toMatch(/\| `backoff` .*\| `exponential` +\| `constant`, `linear`, `exponential`/);
    expect(committed).toContain('Examples: `500ms`, `20s`, `2m`, `1h`, `1m30s`.');
    expect(committed).toMatch(/\| `lock\.key` +\| string +\| \*\*yes\*\*/);
  });
});
