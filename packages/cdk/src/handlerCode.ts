import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { deployError } from './responderPlaybooks.js';

/** A playbook to put beside the handler, as `playbooks/<name>.yaml`. */
export interface BundledPlaybook {
  /** The name the handler loads it by. */
  name: string;
  /** Its YAML file. */
  file: string;
}

/**
 * The function's code: @firstline/lambda's bundle (`handler.mjs`, handler `handler.handler`, with its
 * source map and the chunks it loads on first use, `chunks/handler/`) and each playbook beside it as
 * `playbooks/<name>.yaml`. Staged locally, never in Docker.
 * The bundle is `handlerBundle` when given; else, when @firstline/lambda is a source checkout (this
 * repository), it is bundled from its sources by the package's own step, so nothing needs building
 * first; else it is the installed package's `dist/bundle/handler.mjs`.
 */
export function handlerCode(playbooks: readonly BundledPlaybook[], handlerBundle?: string): lambda.Code {
  return stagedCode(bundleSource(HANDLER, handlerBundle), playbooks);
}

/**
 * The action runner's code (the Step Functions engine): @firstline/lambda's `action-runner.mjs`
 * (handler `action-runner.handler`), found as {@link handlerCode} finds the handler's bundle; no
 * playbooks beside it, because the state machines send each step's action and input.
 */
export function runnerCode(runnerBundle?: string): lambda.Code {
  return stagedCode(bundleSource(RUNNER, runnerBundle));
}

/**
 * One of @firstline/lambda's bundles: its entry in the sources, the file it is deployed as, and the
 * directory of its chunks beside that file (split: a cold start parses only what it imports at once).
 */
interface Bundle {
  entry: string;
  file: string;
  chunks: string;
  prop: string;
}

const HANDLER: Bundle = {
  entry: 'handler.ts',
  file: 'handler.mjs',
  chunks: 'chunks/handler',
  prop: 'handlerBundle',
};
const RUNNER: Bundle = {
  entry: 'actionRunner.ts',
  file: 'action-runner.mjs',
  chunks: 'chunks/action-runner',
  prop: 'runnerBundle',
};

function stagedCode(source: BundleSource, playbooks: readonly BundledPlaybook[] = []): lambda.Code {
  return lambda.Code.fromAsset(source.dir, {
    // The hash of what is deployed (bundle and playbooks), not of the directory it came from.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never pulled: the local bundling below always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      local: {
        tryBundle(outputDir: string): boolean {
          source.write(outputDir);
          if (playbooks.length > 0) mkdirSync(join(outputDir, 'playbooks'));
          for (const playbook of playbooks)
            copyFileSync(playbook.file, join(outputDir, 'playbooks', `${playbook.name}.yaml`));
          return true;
        },
      },
    },
  });
}

interface BundleSource {
  dir: string;
  write(outputDir: string): void;
}

function bundleSource(bundle: Bundle, given: string | undefined): BundleSource {
  if (given !== undefined) {
    const file = resolve(given);
    if (!existsSync(file)) throw deployError(`${bundle.prop} ${file} does not exist`);
    return { dir: dirname(file), write: (out) => copyBundle(file, bundle, out) };
  }
  const lambdaPackage = dirname(createRequire(import.meta.url).resolve('@firstline/lambda/package.json'));
  const entry = join(lambdaPackage, 'src/bundle', bundle.entry);
  const script = resolve(lambdaPackage, '../../scripts/bundle.mjs');
  if (existsSync(entry) && existsSync(script))
    return {
      dir: lambdaPackage,
      write: (out) =>
        execFileSync(
          process.execPath,
          [script, entry, join(out, bundle.file), '--split', `--chunks=${bundle.chunks}`],
          {
            cwd: lambdaPackage,
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        ),
    };
  const built = join(lambdaPackage, 'dist/bundle', bundle.file);
  if (!existsSync(built))
    throw deployError(
      `@firstline/lambda at ${lambdaPackage} has no dist/bundle/${bundle.file}: reinstall it, or give ${bundle.prop}`,
    );
  return { dir: dirname(built), write: (out) => copyBundle(built, bundle, out) };
}

/**
 * Copies a built bundle: the file (renamed to the bundle's file name), its source map, and its chunks.
 * A split bundle's chunks are `chunks/<its name>/` beside it (how @firstline/lambda builds its two),
 * else `chunks/` (scripts/bundle.mjs --split's default); they keep their place relative to the file.
 */
function copyBundle(file: string, bundle: Bundle, outputDir: string): void {
  copyFileSync(file, join(outputDir, bundle.file));
  if (existsSync(`${file}.map`)) copyFileSync(`${file}.map`, join(outputDir, `${bundle.file}.map`));
  const own = join('chunks', basename(file, '.mjs'));
  for (const chunks of [own, 'chunks']) {
    const from = join(dirname(file), chunks);
    if (!existsSync(from)) continue;
    cpSync(from, join(outputDir, chunks), { recursive: true });
    return;
  }
}
