// moto_server for the DynamoDB tests: the same setup as @firstline/actions-aws (a free port, skipped
// loudly when moto_server is missing outside CI). Each test makes its own table, so no test resets moto.
export { default } from '../../actions-aws/test/globalSetup.js';
