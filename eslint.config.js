// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/cdk.out/**', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // One TypeScript program for the whole repo (tsconfig.lint.json: the root tsconfig.json without the CDK
      // code), not one per package: core's sources are type-checked once, and lint fits under 2 GB.
      parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A dropped promise in an engine is a remediation that silently never ran.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The pipeline reads one way: load → validate → compile → run. The compiler builds machines from
    // data and may name the runtime's types, never its code; the runtime depends on the compiler.
    files: ['packages/core/src/{load,validate,compile,format}/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../runtime/*', '../analysis/*'],
              allowTypeImports: true,
              message: 'load, validate and compile do not depend on the runtime: pass what they need in.',
            },
          ],
        },
      ],
    },
  },
  {
    // The CDK example and @firstline/cdk are type-checked by tsc (the root program, `pnpm typecheck`), not by typed
    // lint: their program would load aws-cdk-lib's declarations on every lint run. Their lint is syntax-level.
    files: ['examples/cdk/**/*.ts', 'packages/cdk/**/*.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    // CommonJS files (the packaging test's CJS consumer of the ESM-only packages): require() is the point.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
