import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// House style: every export carries a one-line TSDoc. Checked here, once for every package, on the syntax
// of each source file: every exported declaration, a superset of the public API (index.ts only
// re-exports), and fast, since nothing is type-checked (the AWS SDK's types would take seconds).
const packages = fileURLToPath(new URL('../packages/', import.meta.url));
const PACKAGES = [
  'core',
  'actions-aws',
  'actions-net',
  'notifiers',
  'cli',
  'store-dynamodb',
  'lambda',
  'server',
  'cdk',
  'stepfunctions',
];

async function sourceFiles(pkg: string): Promise<string[]> {
  const src = `${packages}${pkg}/src/`;
  const entries = await readdir(src, { recursive: true });
  return entries
    .filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.generated.ts') && f !== 'index.ts',
    )
    .map((f) => `${src}${f}`);
}

function exported(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/** `file: name` of every exported declaration without a doc comment. */
function undocumentedIn(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const missing: string[] = [];
  for (const statement of source.statements) {
    if (!exported(statement) || ts.isExportDeclaration(statement)) continue;
    const docs = (statement as { jsDoc?: unknown[] }).jsDoc ?? [];
    if (docs.length > 0) continue;
    const name = ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.map((d) => d.name.getText(source)).join(', ')
      : ((statement as { name?: ts.Node }).name?.getText(source) ?? statement.getText(source).slice(0, 40));
    missing.push(`${file.slice(packages.length)}: ${name}`);
  }
  return missing;
}

describe('every exported declaration of every package has a TSDoc comment', () => {
  it.each(PACKAGES)('@firstline/%s', async (pkg) => {
    const files = await sourceFiles(pkg);
    expect(files.length).toBeGreaterThan(5);
    const missing: string[] = [];
    for (const file of files) missing.push(...undocumentedIn(file, await readFile(file, 'utf8')));
    expect(missing).toEqual([]);
  });

  it('the check can fail', () => {
    expect(undocumentedIn(`${packages}x.ts`, 'export const a = 1;\n/** b */\nexport const b = 2;')).toEqual([
      'x.ts: a',
    ]);
  });
});
