import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { defineAction, parsePlaybook, validatePlaybook } from '@firstline/core';
import type { ActionDefinition } from '@firstline/core';
import { notifiers } from '../src/index.js';

describe('public API of @firstline/notifiers', () => {
  it('documents every export (STYLE.md: one-line TSDoc each)', () => {
    // Syntax only: a type-checked program would load Octokit's and Slack's large typings (seconds).
    const parse = (url: URL) =>
      ts.createSourceFile(url.pathname, readFileSync(url, 'utf8'), ts.ScriptTarget.ES2022, true);
    const entry = new URL('../src/index.ts', import.meta.url);
    const exported: Array<{ name: string; file: URL }> = [];
    for (const statement of parse(entry).statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !statement.exportClause)
        continue;
      const file = new URL(
        (statement.moduleSpecifier as ts.StringLiteral).text.replace(/\.js$/, '.ts'),
        entry,
      );
      for (const element of (statement.exportClause as ts.NamedExports).elements)
        exported.push({ name: (element.propertyName ?? element.name).text, file });
    }
    expect(exported.length).toBeGreaterThan(30);
    const documented = (name: string, file: URL) =>
      parse(file).statements.some((statement) => {
        const declared =
          (ts.isFunctionDeclaration(statement) ||
            ts.isInterfaceDeclaration(statement) ||
            ts.isTypeAliasDeclaration(statement) ||
            ts.isClassDeclaration(statement)) &&
          statement.name?.text === name;
        const variable =
          ts.isVariableStatement(statement) &&
          statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
        return (declared || variable) && ts.getJSDocCommentsAndTags(statement).length > 0;
      });
    expect(exported.filter(({ name, file }) => !documented(name, file)).map(({ name }) => name)).toEqual([]);
  });

  it('notifiers() holds every action once, with a plan for each side effect', () => {
    const actions = notifiers();
    expect(actions.map((a) => a.id).sort()).toEqual([
      'github.closeIssue',
      'github.comment',
      'github.createIssue',
      'github.findIssue',
      'github.reopenIssue',
      'opsgenie.addNote',
      'opsgenie.closeAlert',
      'opsgenie.createAlert',
      'slack.post',
      'slack.reply',
      'slack.update',
    ]);
    for (const action of actions) if (action.kind === 'notify') expect(typeof action.plan).toBe('function');
  });
});

describe('the example playbooks (examples/playbooks)', () => {
  const dir = new URL('../../../examples/playbooks/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.includes('.scenarios.'));

  it.each(files)('%s validates against the real notifiers (other packages stood in for)', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const playbook = parsePlaybook(text, { file });
    const real = notifiers();
    const ids = new Set(real.map((a) => a.id));
    const named = [...text.matchAll(/action:\s*['"]?([a-z][\w.]+)/g)].map((m) => m[1]!);
    const others: ActionDefinition[] = [...new Set(named)]
      .filter((id) => !ids.has(id))
      .map((id) =>
        defineAction({
          id,
          kind: 'probe',
          description: `Stand-in ${id}.`,
          input: { type: 'object' },
          run: () => Promise.resolve({}),
        }),
      );
    const result = validatePlaybook(playbook, { actions: [...real, ...others] });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});
