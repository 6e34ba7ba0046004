import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { awsActions } from '@firstline/actions-aws';
import { netActions } from '@firstline/actions-net';
import { createActionRegistry, formatIssue, parsePlaybook, validatePlaybook } from '@firstline/core';
import { notifiers } from '@firstline/notifiers';

// The docs must stand alone: nothing in the repository may lean on a design document or a folder that
// lives next to it, and every link the docs make must land on a file (and heading) the repository holds.
const root = fileURLToPath(new URL('..', import.meta.url));

/** Every file git tracks plus the new ones not yet added, as repository-relative paths. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split('\0').filter((f) => f !== '' && existsSync(join(root, f))))].sort();
}

const files = repoFiles();
const markdown = files
  .filter(
    (f) =>
      f === 'README.md' ||
      f.startsWith('docs/') ||
      /^packages\/[^/]+\/README\.md$/.test(f) ||
      (f.startsWith('examples/') && f.endsWith('.md')),
  )
  .filter((f) => f.endsWith('.md'));

/** Text files only: a NUL byte in the first 8 kB marks a binary file. */
function textOf(file: string): string | undefined {
  const buf = readFileSync(join(root, file));
  if (buf.subarray(0, 8192).includes(0)) return undefined;
  return buf.toString('utf8');
}

// Spelled in two halves so this file does not mention what it forbids.
const DESIGN_DOC = ['DESIGN', 'md'].join('.');

/** `line: text` of every mention of the design document, or of a `shared` folder outside the repository. */
function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.includes(DESIGN_DOC)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    for (const m of line.matchAll(/((?:\.\.\/)+)shared\b/g)) {
      const target = resolve(root, dirname(file), m[1]!, 'shared');
      const inside = relative(root, target);
      if (inside.startsWith('..') || isAbsolute(inside)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    }
  });
  return found;
}

describe('the repository stands alone', () => {
  it('finds the files it checks', () => {
    expect(files).toContain('README.md');
    expect(markdown).toContain('docs/README.md');
    expect(markdown.length).toBeGreaterThan(10);
  });

  it('no file mentions the design document or a folder outside the repository', () => {
    const found: string[] = [];
    for (const file of files) {
      const text = textOf(file);
      if (text !== undefined) found.push(...outsideReferences(file, text));
    }
    expect(found).toEqual([]);
  });

  it('the check sees what it forbids', () => {
    expect(outsideReferences('a/b.ts', `see ${DESIGN_DOC}`)).toHaveLength(1);
    expect(outsideReferences('README.md', 'see [x](../shared/notes.md)')).toHaveLength(1);
    expect(outsideReferences('packages/x/src/y/z.ts', "import { a } from '../shared/a.js';")).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a markdown file offers: its headings (numbered as GitHub numbers repeats) and explicit ids. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCode(text).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a (?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

/** The text with fenced code blocks blanked (their lines kept, so line numbers still count). */
function withoutCode(text: string): string {
  return text.replace(/^(```|~~~)[\s\S]*?^\1/gm, (block) => block.replace(/[^\n]/g, ''));
}

/** `file:line: target (why)` for every relative link that does not resolve. */
function brokenLinks(file: string): string[] {
  const text = withoutCode(readFileSync(join(root, file), 'utf8')).replace(/`[^`\n]*`/g, (c) =>
    ' '.repeat(c.length),
  );
  const broken: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:…
      const [path, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = path === '' ? join(root, file) : resolve(root, dirname(file), decodeURI(path));
      const where = `${file}:${i + 1}: ${target}`;
      if (relative(root, resolved).startsWith('..')) broken.push(`${where} (outside the repository)`);
      else if (!existsSync(resolved)) broken.push(`${where} (no such file)`);
      else if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
        if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${where} (no such heading)`);
      }
    }
  });
  return broken;
}

describe('every relative link in the docs and READMEs resolves', () => {
  it.each(markdown)('%s', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('headings become the anchors GitHub makes', () => {
    expect(slug('The `firstline` command')).toBe('the-firstline-command');
    expect(slug('Locks and remediation budgets')).toBe('locks-and-remediation-budgets');
    expect(slug('Exit codes: 0, 1, 2')).toBe('exit-codes-0-1-2');
    expect([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n')]).toEqual(['a', 'a-1']);
  });
});

describe('every playbook the docs show is valid', () => {
  // The real validator with the real action packages, as `firstline validate` runs it: the schema, the
  // graph, expressions, and each action's own input schema.
  const registry = createActionRegistry([
    ...awsActions({ region: 'us-east-1' }),
    ...netActions(),
    ...notifiers(),
  ]);

  const blocks = markdown.flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    // A block that cannot validate here on purpose (it names an action only its guide defines) is preceded by
    // `<!-- docs-test: not validated, <why> -->`.
    return [...text.matchAll(/^(<!-- docs-test: not validated[^\n]*-->\n+)?```ya?ml\n([\s\S]*?)^```/gm)]
      .filter((m) => m[1] === undefined)
      .map((m) => ({ file, line: text.slice(0, m.index).split('\n').length + 1, yaml: m[2]! }))
      .filter((b) => /^firstline:/m.test(b.yaml));
  });

  it('finds the playbooks in the docs', () => {
    expect(blocks.filter((b) => b.file.startsWith('docs/')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s', (_, block) => {
    const where = `${block.file} (the block from line ${block.line})`;
    const { issues } = validatePlaybook(parsePlaybook(block.yaml, { file: where }), { actions: registry });
    expect(issues.map((issue) => formatIssue(issue, where))).toEqual([]);
  });
});
