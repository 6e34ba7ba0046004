// One cold start, as a fresh process sees it. Prints the phases, in milliseconds since the process began.
// - mode `check` (default): import @firstline/core (built), load a playbook, build a registry of the
//   actions it names with their real input schemas, validate (checkPlaybook).
// - mode `compile`: import, build the registry, loadPlaybook, compilePlaybook (which validates and builds
//   the machine): what a host pays before its first run. The actions are stand-ins with `input: {}`,
//   unless `schemas` is given, which keeps their real input schemas (ajv then compiles them).
import { readFileSync } from 'node:fs';

const [playbookPath, actionsPath, mode = 'check', schemas] = process.argv.slice(2);
const booted = performance.now();
const { checkPlaybook, compilePlaybook, createActionRegistry, defineAction, loadPlaybook } =
  await import('../packages/core/dist/index.js');
const imported = performance.now();
const specs = actionsPath ? JSON.parse(readFileSync(actionsPath, 'utf8')) : [];
if (mode === 'compile') {
  const actions = createActionRegistry(
    specs.map((s) =>
      defineAction({
        ...s,
        ...(schemas !== 'schemas' && { input: {}, output: undefined }),
        run: async () => ({}),
      }),
    ),
  );
  const loaded = await loadPlaybook(playbookPath);
  const parsed = performance.now();
  compilePlaybook(loaded, { actions });
  const done = performance.now();
  process.stdout.write(JSON.stringify({ booted, imported, parsed, done }));
} else {
  const actions = createActionRegistry(specs.map((s) => defineAction({ ...s, run: async () => ({}) })));
  const result = await checkPlaybook(playbookPath, { actions });
  if (!result.ok) {
    console.error(JSON.stringify(result.issues));
    process.exit(1);
  }
  const done = performance.now();
  process.stdout.write(JSON.stringify({ booted, imported, done }));
}
