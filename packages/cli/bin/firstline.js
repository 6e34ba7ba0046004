#!/usr/bin/env node
// The `firstline` bin. It lives outside dist/ so package managers can link it before the first build
// (pnpm links a workspace bin only if its file exists at install time). It runs the bundled CLI,
// dist/bundle/firstline.mjs (one minified file, plus chunks loaded only by the commands that need
// them, so it starts sooner), or dist/bin.js, the same CLI on node_modules, when the bundle is not
// built or FIRSTLINE_BUNDLE=0 asks for it (stack traces with --debug then name the sources' lines).
// The module not found must be `file` itself, not one it imports ("Cannot find module '<it>' imported
// from <importer>"): a bundle missing a chunk is broken, and says so rather than quietly run the other.
const notBuilt = (error, file) =>
  error?.code === 'ERR_MODULE_NOT_FOUND' &&
  (/^Cannot find module '([^']*)'/.exec(String(error.message))?.[1] ?? '')
    .replaceAll('\\', '/')
    .endsWith(file);

const started =
  process.env.FIRSTLINE_BUNDLE === '0'
    ? import('../dist/bin.js')
    : import('../dist/bundle/firstline.mjs').catch((error) => {
        if (!notBuilt(error, 'dist/bundle/firstline.mjs')) throw error;
        return import('../dist/bin.js');
      });
started.catch((error) => {
  if (!notBuilt(error, 'dist/bin.js')) throw error;
  process.stderr.write('firstline: @firstline/cli is not built yet: run pnpm build\n');
  process.exit(2);
});
