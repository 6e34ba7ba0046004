// What test/globalSetup.ts (actions-aws's moto setup) hands the tests: that package's declaration.
import type {} from '../../actions-aws/test/provided.js';
