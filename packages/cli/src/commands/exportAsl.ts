import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadPlaybook } from '@firstline/core';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';

/** Options of `firstline export asl`. */
export interface ExportAslFlags {
  queryLanguage: 'jsonata' | 'jsonpath';
  actionRunnerArn?: string;
  table?: string;
  /** `--no-native`: every step through the action runner. */
  native: boolean;
  output?: string;
}

/**
 * `firstline export asl <playbook>`: prints (or writes) the playbook as an Amazon States Language
 * definition. An invalid playbook exits 2 with its positions; what Step Functions cannot express exits 2
 * with `E_ASL_UNSUPPORTED` naming the step. The exporter is loaded only here: no other command pays for it.
 */
export async function exportAslCommand(
  playbookPath: string,
  flags: ExportAslFlags,
  ctx: CliContext,
): Promise<number> {
  const { exportAsl } = await import('@firstline/stepfunctions');
  const loaded = await loadPlaybook(resolve(ctx.io.cwd, playbookPath), { file: playbookPath });
  const { definition, approximations, placeholders } = exportAsl(loaded, {
    queryLanguage: flags.queryLanguage === 'jsonpath' ? 'JSONPath' : 'JSONata',
    actions: ctx.actions,
    ...(flags.actionRunnerArn !== undefined && { actionRunnerArn: flags.actionRunnerArn }),
    ...(flags.table !== undefined && { tableName: flags.table }),
    nativeTasks: flags.native,
  });
  const text = `${JSON.stringify(definition, null, 2)}\n`;
  if (flags.output === undefined) ctx.io.out(text);
  else {
    await writeFile(resolve(ctx.io.cwd, flags.output), text);
    ctx.io.err(`wrote ${flags.output}\n`);
  }
  // Notes go to stderr, so stdout stays the definition alone.
  for (const p of placeholders) ctx.io.err(`placeholder ${p}: substitute it when you deploy\n`);
  for (const a of approximations) ctx.io.err(`note: ${a}\n`);
  return EXIT.ok;
}
