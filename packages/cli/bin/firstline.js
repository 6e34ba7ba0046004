#!/usr/bin/env node
// The `firstline` bin. It lives outside dist/ so package managers can link it before the first build
// (pnpm links a workspace bin only if its file exists at install time). It runs the bundled CLI,
// dist/bundle/firstline.cjs (minified CommonJS, split in chunks loaded only by the commands that need
// them, so it starts sooner), compiled with a V8 code cache kept between runs (dist/compileCache.js;
// FIRSTLINE_COMPILE_CACHE=0 turns it off), or dist/bin.js, the same CLI on node_modules, when the
// bundle is not built or FIRSTLINE_BUNDLE=0 asks for it (stack traces with --debug then name the
// sources' lines). A bundle missing one of its chunks is broken, and says so (the require() of the
// chunk fails) rather than quietly run the other.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/bundle/firstline.cjs', import.meta.url));

if (process.env.FIRSTLINE_BUNDLE !== '0' && existsSync(bundle)) {
  const { compileCacheDir, installCompileCache } = await import('../dist/compileCache.js');
  const cacheDir = compileCacheDir();
  if (cacheDir) installCompileCache(dirname(bundle), cacheDir);
  createRequire(import.meta.url)(bundle);
} else {
  await import('../dist/bin.js').catch((error) => {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/dist[\\/]bin\.js'/.test(String(error.message)))
      throw error;
    process.stderr.write('firstline: @firstline/cli is not built yet: run pnpm build\n');
    process.exit(2);
  });
}
