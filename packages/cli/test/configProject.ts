import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, binEnv, runNode } from './subprocess.js';
import type { Exit } from './subprocess.js';

// Temp projects for the project-config tests: a directory with the files a user would write, and
// node_modules/@firstline/{core,cli} linked to this workspace's packages as `npm install` would.

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));

/** Creates a temp project holding `files` (paths relative to it); its @firstline packages are linked. */
export async function tempProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'firstline-config-'));
  await mkdir(join(dir, 'node_modules', '@firstline'), { recursive: true });
  for (const pkg of ['core', 'cli'])
    await symlink(join(PACKAGES, pkg), join(dir, 'node_modules', '@firstline', pkg), 'dir');
  await writeFiles(dir, files);
  return dir;
}

/** Writes files under `dir`, creating their directories. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** Runs the built bin in `cwd` with a clean environment; resolves when it exits. */
export function firstlineIn(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return runNode([BIN, ...args], { cwd, env: binEnv(env) });
}

/** A TypeScript action module: `acme.cache.flush` POSTs the key to `url` (a loopback server in tests). */
export const FLUSH_ACTION_TS = `import { defineAction } from '@firstline/core';

interface FlushInput {
  url: string;
  key: string;
}

export const flushCache = defineAction<FlushInput, { flushed: string }>({
  id: 'acme.cache.flush',
  kind: 'remediation',
  description: 'Flushes one cache key.',
  input: {
    type: 'object',
    required: ['url', 'key'],
    properties: { url: { type: 'string' }, key: { type: 'string' } },
  },
  output: { type: 'object', required: ['flushed'], properties: { flushed: { type: 'string' } } },
  async run(input: FlushInput) {
    const response = await fetch(input.url, { method: 'POST', body: input.key });
    if (!response.ok) throw new Error(\`flush failed: HTTP \${response.status}\`);
    return { flushed: input.key };
  },
});
`;

/** A playbook whose one step is `acme.cache.flush`. */
export const FLUSH_PLAYBOOK = `firstline: 1
name: flush-sessions
inputs:
  url: { type: string }
steps:
  - id: flush
    action: acme.cache.flush
    with: { url: "{{ inputs.url }}", key: sessions }
`;
