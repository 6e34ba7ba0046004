// The built @firstline/core. Under tsx, importing '@firstline/core' by name would follow tsconfig's
// `paths` to the TypeScript sources (kept so lint and typecheck work before a build); the benchmarks
// must time what users install, so they load dist/ explicitly and borrow only its types from the name.
import type * as Core from '@firstline/core';

/** The built package, loaded from packages/core/dist (run `pnpm build` first; `pnpm bench` does). */
export const core = (await import(
  new URL('../packages/core/dist/index.js', import.meta.url).href
)) as typeof Core;
