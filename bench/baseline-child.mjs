// The baseline a cold start is compared with: a fresh Node process that imports the same parsing
// library Firstline uses and parses the same file, with no Firstline code at all.
import { readFileSync } from 'node:fs';

const [playbookPath] = process.argv.slice(2);
const booted = performance.now();
const { parse } = await import('yaml');
const imported = performance.now();
parse(readFileSync(playbookPath, 'utf8'));
const done = performance.now();
process.stdout.write(JSON.stringify({ booted, imported, done }));
