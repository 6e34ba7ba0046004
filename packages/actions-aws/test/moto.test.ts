import { beforeEach, describe } from 'vitest';
import { ec2Suite } from './moto/ec2.js';
import { outcomesSuite } from './moto/outcomes.js';
import { inconclusiveSuite } from './moto/inconclusive.js';
import { playbookSuite } from './moto/playbook.js';
import { secretsSuite } from './moto/secrets.js';
import { servicesSuite } from './moto/services.js';
import { ssmSuite } from './moto/ssm.js';
import { ssmAutomationSuite } from './moto/ssmAutomation.js';
import { motoEndpoint, resetMoto } from './support.js';

// Every test against the real moto_server the global setup started, in one file: vitest runs files in
// parallel workers, and one moto shared by several files would have its state reset under a running
// test. Each test starts from an empty account. moto loads a service on its first call (EC2 ~1.4 s on
// an idle machine), hence the generous timeouts.
const endpoint = motoEndpoint();

describe.skipIf(!endpoint)('against a real moto_server', { timeout: 20_000 }, () => {
  const url = endpoint ?? 'http://127.0.0.1:1';
  beforeEach(() => resetMoto(url), 20_000);

  ec2Suite(url);
  playbookSuite(url);
  servicesSuite(url);
  outcomesSuite(url);
  ssmSuite(url);
  ssmAutomationSuite(url);
  secretsSuite(url);
  inconclusiveSuite(url);
});
