// A CommonJS consumer of @firstline/core, as a CJS host or plugin would be: plain require() by name.
const core = require('@firstline/core');
const internal = require('@firstline/core/internal');

const probe = {
  id: 'copies.probe',
  kind: 'probe',
  description: 'Reports the service down, then up.',
  input: {},
  run: () => Promise.resolve({ up: false }),
};
const fix = {
  id: 'copies.fix',
  kind: 'remediation',
  description: 'A remediation that always works.',
  input: {},
  run: () => Promise.resolve({ fixed: true }),
};
const playbook = {
  firstline: 1,
  name: 'one-instance',
  checks: [{ id: 'up', action: 'copies.probe', expect: 'output.up' }],
  remediate: [{ id: 'fix', action: 'copies.fix' }],
  recheck: { after: '1m' },
  notify: { unrecovered: [{ action: 'core.log', with: { message: 'still down after {{ name }}' } }] },
};

module.exports = {
  core,
  internal,
  resolved: require.resolve('@firstline/core'),
  compiled: core.compilePlaybook(playbook, { actions: [probe, fix] }),
  error: new core.ActionError('copies.fix', 'refused'),
};
