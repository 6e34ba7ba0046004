import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
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
 * source map) and each playbook beside it as `playbooks/<name>.yaml`. Staged locally, never in Docker.
 * The bundle is `handlerBundle` when given; else, when @firstline/lambda is a source checkout (this
 * repository), it is bundled from its sources by the package's own step, so nothing needs building
 * first; else it is the installed package's `dist/bundle/handler.mjs`.
 */
export function handlerCode(playbooks: readonly BundledPlaybook[], handlerBundle?: string): lambda.Code {
  const source = bundleSource(handlerBundle);
  return lambda.Code.fromAsset(source.dir, {
    // The hash of what is deployed (bundle and playbooks), not of the directory it came from.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never pulled: the local bundling below always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      local: {
        tryBundle(outputDir: string): boolean {
          source.write(outputDir);
          mkdirSync(join(outputDir, 'playbooks'));
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

function bundleSource(handlerBundle: string | undefined): BundleSource {
  if (handlerBundle !== undefined) {
    const file = resolve(handlerBundle);
    if (!existsSync(file)) throw deployError(`handlerBundle ${file} does not exist`);
    return { dir: dirname(file), write: (out) => copyBundle(file, out) };
  }
  const lambdaPackage = dirname(createRequire(import.meta.url).resolve('@firstline/lambda/package.json'));
  const entry = join(lambdaPackage, 'src/bundle/handler.ts');
  const script = resolve(lambdaPackage, '../../scripts/bundle.mjs');
  if (existsSync(entry) && existsSync(script))
    return {
      dir: lambdaPackage,
      write: (out) =>
        execFileSync(process.execPath, [script, entry, join(out, 'handler.mjs')], {
          cwd: lambdaPackage,
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
    };
  const built = join(lambdaPackage, 'dist/bundle/handler.mjs');
  if (!existsSync(built))
    throw deployError(
      `@firstline/lambda at ${lambdaPackage} has no dist/bundle/handler.mjs: reinstall it, or give handlerBundle`,
    );
  return { dir: dirname(built), write: (out) => copyBundle(built, out) };
}

function copyBundle(file: string, outputDir: string): void {
  copyFileSync(file, join(outputDir, 'handler.mjs'));
  if (existsSync(`${file}.map`)) copyFileSync(`${file}.map`, join(outputDir, 'handler.mjs.map'));
}
