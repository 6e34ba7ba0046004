import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadPlaybook } from '@firstline/core';
import type { LoadedPlaybook, PathSegment } from '@firstline/core';
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
  let exported: ReturnType<typeof exportAsl>;
  try {
    exported = exportAsl(loaded, {
      queryLanguage: flags.queryLanguage === 'jsonpath' ? 'JSONPath' : 'JSONata',
      actions: ctx.actions,
      ...(flags.actionRunnerArn !== undefined && { actionRunnerArn: flags.actionRunnerArn }),
      ...(flags.table !== undefined && { tableName: flags.table }),
      nativeTasks: flags.native,
    });
  } catch (error) {
    throw positioned(error, loaded, playbookPath);
  }
  const { definition, approximations, placeholders } = exported;
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

/** A refusal that names a step, as `file:line:col  E_ASL_UNSUPPORTED  why` at that step's `id:`. */
function positioned(error: unknown, loaded: LoadedPlaybook, file: string): unknown {
  const refusal = error as { code?: unknown; step?: unknown; reason?: unknown };
  if (refusal.code !== 'E_ASL_UNSUPPORTED') return error;
  const at = typeof refusal.step === 'string' ? stepPath(loaded.data, refusal.step) : undefined;
  const segments = at ? [...at, 'id'] : [];
  const { line, column } = loaded.sourceMap.locate(segments);
  const reason = typeof refusal.reason === 'string' ? refusal.reason : String((error as Error).message);
  const message = typeof refusal.step === 'string' ? `step "${refusal.step}": ${reason}` : reason;
  return Object.assign(new Error(message), {
    file,
    issues: [{ code: 'E_ASL_UNSUPPORTED', message, line, column, severity: 'error' as const }],
  });
}

/** Where the step with this `id:` sits in the document (any list, at any depth), if it has one. */
function stepPath(data: unknown, id: string, at: PathSegment[] = []): PathSegment[] | undefined {
  if (Array.isArray(data)) {
    for (const [i, item] of data.entries()) {
      const found = stepPath(item, id, [...at, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (data === null || typeof data !== 'object') return undefined;
  const record = data as Record<string, unknown>;
  if (record.id === id && at.length > 0 && typeof at[at.length - 1] === 'number') return at;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'object' || value === null) continue;
    const found = stepPath(value, id, [...at, key]);
    if (found) return found;
  }
  return undefined;
}
