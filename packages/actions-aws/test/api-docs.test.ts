import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// STYLE.md: every export carries a one-line TSDoc. Checked on the syntax of every source file (a
// superset of the public API), which is fast: a type-checked program would load the AWS SDK's types.
const src = fileURLToPath(new URL('../src/', import.meta.url));

async function sourceFiles(): Promise<string[]> {
  const entries = await readdir(src, { recursive: true });
  return entries.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => `${src}${f}`);
}

function exported(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

function undocumentedIn(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const missing: string[] = [];
  for (const statement of source.statements) {
    if (!exported(statement)) continue;
    const docs = (statement as { jsDoc?: unknown[] }).jsDoc ?? [];
    if (docs.length > 0) continue;
    const name = ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.map((d) => d.name.getText(source)).join(', ')
      : ((statement as { name?: ts.Node }).name?.getText(source) ?? statement.getText(source).slice(0, 40));
    missing.push(`${file.slice(src.length)}: ${name}`);
  }
  return missing;
}

describe('public API of @firstline/actions-aws', () => {
  it('documents every exported declaration', async () => {
    const files = await sourceFiles();
    expect(files.length).toBeGreaterThan(15);
    const missing: string[] = [];
    for (const file of files) {
      if (file.endsWith('/index.ts')) continue;
      missing.push(...undocumentedIn(file, await readFile(file, 'utf8')));
    }
    expect(missing).toEqual([]);
  });

  it('the check can fail', () => {
    expect(undocumentedIn(`${src}x.ts`, 'export const a = 1;\n/** b */\nexport const b = 2;')).toEqual([
      'x.ts: a',
    ]);
  });
});
