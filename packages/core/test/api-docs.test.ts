import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// STYLE.md: every export carries a one-line TSDoc. Checked here with the compiler, for everything
// @firstline/core exports, so an undocumented export fails the build instead of a review.
describe('public API of @firstline/core', () => {
  it('documents every export', () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const program = ts.createProgram([entry], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      resolveJsonModule: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const exports = checker.getExportsOfModule(module);
    expect(exports.length).toBeGreaterThan(30);

    const undocumented = exports
      .map((symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol))
      .filter((symbol) => symbol.getDocumentationComment(checker).length === 0)
      .map((symbol) => symbol.getName());
    expect(undocumented).toEqual([]);
  });
});
