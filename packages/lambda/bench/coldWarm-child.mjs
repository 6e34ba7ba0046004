// One Lambda container, as a fresh process sees it: import the built handler module, build the handler
// at module scope (memory store, stand-in actions that need no network), answer a first direct
// invocation (cold), then `warm` more (warm). Prints the phases in ms since the process began, and
// the median warm invocation.
const [warmRuns = '50'] = process.argv.slice(2);
const booted = performance.now();
const { createLambdaHandler } = await import('../dist/index.js');
const { createMemoryStore, defineAction } = await import('@firstline/core');
const imported = performance.now();

const stand = (id, kind) =>
  defineAction({
    id,
    kind,
    description: `${id} stand-in`,
    input: { type: 'object' },
    run: async () => ({ ok: true }),
  });
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const handler = createLambdaHandler({
  playbooks: {
    'first-line': {
      firstline: 1,
      name: 'first-line',
      inputs: { instanceId: { type: 'string' } },
      lock: { key: '{{ inputs.instanceId }}' },
      checks: [
        { id: 'url', action: 'bench.check', with: { id: '{{ inputs.instanceId }}' }, expect: 'output.ok' },
        { id: 'status', action: 'bench.check', with: { id: '{{ inputs.instanceId }}' }, expect: 'output.ok' },
      ],
      remediate: [{ id: 'reboot', action: 'bench.reboot', with: { id: '{{ inputs.instanceId }}' } }],
      recheck: { rounds: 1, after: '2m' },
      notify: { recovered: [{ action: 'core.log', with: { message: 'recovered' } }] },
    },
  },
  actions: [stand('bench.check', 'probe'), stand('bench.reboot', 'remediation')],
  store: createMemoryStore(),
  logger: silent,
});
const context = (i) => ({ getRemainingTimeInMillis: () => 300_000, awsRequestId: `bench-${i}` });
const invoke = async (i) => {
  const result = await handler({ playbook: 'first-line', input: { instanceId: `i-${i}` } }, context(i));
  if (result.runs[0]?.outcome !== 'healthy') throw new Error(`unexpected result ${JSON.stringify(result)}`);
};
await invoke(0);
const cold = performance.now();
const samples = [];
for (let i = 1; i <= Number(warmRuns); i++) {
  const start = performance.now();
  await invoke(i);
  samples.push(performance.now() - start);
}
samples.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({ booted, imported, cold, warmMs: samples[Math.floor(samples.length / 2)] }),
);
