import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // The schema ships as its own file so editors can point `$schema` at @firstline/core/schema.json.
  onSuccess: () => copyFile('src/format/schema.json', 'dist/schema.json'),
});
