// What test/globalSetup.ts hands the tests: the declarations of the two setups it runs.
import type {} from '../../actions-aws/test/provided.js';
import type {} from '../../actions-net/test/support.js';
