// moto_server for the CLI's end-to-end test (test/handBack.e2e.test.ts): the same setup as
// @firstline/actions-aws (a free port, a loud skip without moto, a failure under CI=true).
export { default } from '../../actions-aws/test/globalSetup.js';
