// moto_server for the integration tests: the same setup as @firstline/actions-aws (a free port, loud
// skip without moto, a failure under CI=true).
export { default } from '../../actions-aws/test/globalSetup.js';
