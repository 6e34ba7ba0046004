// moto_server for the JSONPath export's run on moto's Step Functions: the same setup as @firstline/actions-aws
// (a free loopback port; skipped loudly without moto_server, a failure under CI=true).
export { default } from '../../actions-aws/test/globalSetup.js';
