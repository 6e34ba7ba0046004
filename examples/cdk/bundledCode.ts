import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

const here = fileURLToPath(new URL('.', import.meta.url));
/** @firstline/lambda, whose build writes the bundle (dist/bundle/handler.mjs). */
const lambdaPackage = resolve(here, '../../packages/lambda');

/**
 * The function's code: @firstline/lambda's bundle (`handler.mjs`, handler `handler.handler`), made by
 * the package's own bundling step (scripts/bundle.mjs on src/bundle/handler.ts, from the packages'
 * sources: no build needed before a deploy), with the playbook beside it as `playbooks/<name>.yaml`.
 * Bundled locally, never in Docker.
 */
export function firstlineBundle(playbookFile: string, name: string): lambda.Code {
  return lambda.Code.fromAsset(lambdaPackage, {
    // The hash of what is deployed (bundle and playbook), not of the package's directory.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never pulled: the local bundling below always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(
            process.execPath,
            ['../../scripts/bundle.mjs', 'src/bundle/handler.ts', join(outputDir, 'handler.mjs')],
            { cwd: lambdaPackage, stdio: ['ignore', 'ignore', 'inherit'] },
          );
          mkdirSync(join(outputDir, 'playbooks'));
          copyFileSync(playbookFile, join(outputDir, 'playbooks', `${name}.yaml`));
          return true;
        },
      },
    },
  });
}
