#!/usr/bin/env node
// The `firstline` bin. It lives outside dist/ so package managers can link it before the first build
// (pnpm links a workspace bin only if its file exists at install time); the CLI itself is dist/bin.js.
import('../dist/bin.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write('firstline: @firstline/cli is not built yet: run pnpm build\n');
    process.exit(2);
  }
  throw error;
});
