import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCapturingIo, createProgram } from '@firstline/cli';

// packages/cli/README.md documents the command line; these checks keep it from falling behind program.ts.
const readme = readFileSync(new URL('../packages/cli/README.md', import.meta.url), 'utf8');
const program = createProgram({ io: createCapturingIo(), actions: [], debug: false }, { exit: 0 });
const commands = program.commands.map((command) => command.name());

/** The README's section for a command, from its `### \`firstline <name>\`` heading to the next heading (a `#` comment inside a code block is not one). */
function section(name: string): string | undefined {
  const start = readme.indexOf(`### \`firstline ${name}\``);
  if (start < 0) return undefined;
  const next = /\n##+ /.exec(readme.slice(start + 1));
  const end = next ? start + 1 + next.index : undefined;
  return readme.slice(start, end);
}

describe('packages/cli/README.md', () => {
  it('finds the commands', () => {
    expect(commands).toEqual(expect.arrayContaining(['validate', 'simulate', 'run', 'resume', 'test']));
  });

  it.each(commands)('names `firstline %s`', (name) => {
    expect(readme).toContain(`\`firstline ${name}`);
  });

  it.each(commands.filter((name) => section(name) !== undefined))(
    'documents every option of `firstline %s` in its section, with an example',
    (name) => {
      const command = program.commands.find((c) => c.name() === name)!;
      const text = section(name)!;
      const options = command.options.map((o) => o.long).filter((o) => o !== undefined && o !== '--help');
      const missing = options.filter((o) => !text.includes(`\`${o}`) && !text.includes(`${o} `));
      // --json is documented once for every command, above the sections.
      expect(missing.filter((o) => o !== '--json')).toEqual([]);
      expect(text).toMatch(/```(sh|yaml)\n/);
    },
  );
});
