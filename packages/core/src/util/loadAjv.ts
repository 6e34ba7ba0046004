import { createRequire } from 'node:module';
import type * as Ajv2020Module from 'ajv/dist/2020.js';

// ajv costs a cold start ~70 ms to import: it loads on the first schema that needs compiling, never
// with core. Playbooks are checked by a validator compiled at build time, and the installed actions'
// schemas too (`pnpm gen`), so `validate` never loads it.
const load = createRequire(import.meta.url);
let ajv: typeof Ajv2020Module | undefined;

/**
 * Loads ajv ahead of a synchronous need, through `import()`: a bundler (esbuild for a Lambda) sees
 * that import and bundles ajv, where the `createRequire` fallback of {@link loadAjv} would find no
 * node_modules. Runs call it before checking inputs; nothing else needs to.
 */
export async function preloadAjv(): Promise<void> {
  if (ajv) return;
  const loaded = await import('ajv/dist/2020.js');
  // A bundle split into chunks (the CLI's) may hand back the CommonJS exports as `default` only.
  ajv = loaded.Ajv2020 ? loaded : (loaded as unknown as { default: typeof Ajv2020Module }).default;
}

/** ajv's draft 2020-12 class: the preloaded module, else required on first call (then cached). */
export function loadAjv(): typeof Ajv2020Module.Ajv2020 {
  return (ajv ??= load('ajv/dist/2020.js') as typeof Ajv2020Module).Ajv2020;
}
