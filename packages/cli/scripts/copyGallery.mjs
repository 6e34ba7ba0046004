// Copies the example playbooks and their scenario files into dist/gallery/ for `firstline init`: the
// published package cannot read the repository's examples/ directory.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../../../examples/playbooks/', import.meta.url));
const to = fileURLToPath(new URL('../dist/gallery/', import.meta.url));
mkdirSync(to, { recursive: true });
const files = readdirSync(from).filter((file) => file.endsWith('.yaml'));
for (const file of files) cpSync(`${from}${file}`, `${to}${file}`);
console.log(`gallery: ${files.length} files copied to dist/gallery/`);
