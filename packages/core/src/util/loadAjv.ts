import { createRequire } from 'node:module';
import type * as Ajv2020Module from 'ajv/dist/2020.js';

// ajv costs a cold start ~70 ms to import: it loads on the first schema that needs compiling, never
// with core. Playbooks are checked by a validator compiled at build time, and the installed actions'
// schemas too (`pnpm gen`), so `validate` never loads it.
const load = createRequire(import.meta.url);

/** ajv's draft 2020-12 class, loaded on first call (Node caches the module after that). */
export function loadAjv(): typeof Ajv2020Module.Ajv2020 {
  return (load('ajv/dist/2020.js') as typeof Ajv2020Module).Ajv2020;
}
