// One cold start, as a fresh process sees it: import @firstline/core (built), load a playbook, build a
// registry of the actions it names, validate. Prints the phases, in milliseconds since the process began.
import { readFileSync } from 'node:fs';

const [playbookPath, actionsPath] = process.argv.slice(2);
const booted = performance.now();
const { checkPlaybook, createActionRegistry, defineAction } = await import('../packages/core/dist/index.js');
const imported = performance.now();
const specs = actionsPath ? JSON.parse(readFileSync(actionsPath, 'utf8')) : [];
const actions = createActionRegistry(specs.map((s) => defineAction({ ...s, run: async () => ({}) })));
const result = await checkPlaybook(playbookPath, { actions });
if (!result.ok) {
  console.error(JSON.stringify(result.issues));
  process.exit(1);
}
const done = performance.now();
process.stdout.write(JSON.stringify({ booted, imported, done }));
