import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { createActionRegistry, parseDuration } from '@firstline/core';
import type { AnyActionDefinition } from '@firstline/core';
import type { LatencyTarget } from '@firstline/actions-net/monitor';
import { createLocator } from '../scenarios/yamlLocator.js';
import type { MonitorConfig, MonitorTarget } from './monitorConfig.generated.js';
import { MonitorConfigInvalid } from './MonitorConfigInvalid.js';
import type { MonitorConfigProblem } from './MonitorConfigInvalid.js';
import { describeError, schemaProblems } from './schemaProblems.js';
import type { PathProblem } from './schemaProblems.js';

/** The port /metrics is served on when neither the config nor --port says. */
export const DEFAULT_METRICS_PORT = 9464;
/** The interval of a target that gives none, when the file gives no `every` either. */
export const DEFAULT_EVERY = '15s';
/** Largest config read: a hand-written list of targets; a bigger file is a mistake. */
export const MAX_MONITOR_CONFIG_BYTES = 1024 * 1024;

/** The action each kind of target runs. */
export const PROBE_ACTIONS: Record<MonitorTarget['kind'], string> = {
  http: 'http.check',
  tcp: 'tcp.check',
  dns: 'dns.check',
  ping: 'icmp.ping',
};

/** A checked monitor config with its defaults filled in, ready for createLatencyMonitor. */
export interface LoadedMonitorConfig {
  /** The file as shown in messages. */
  file: string;
  /** The config as written. */
  config: MonitorConfig;
  port: number;
  host: string;
  /** Every target, its `every` defaulted from the file's. */
  targets: LatencyTarget[];
  buckets: 'exponential' | 'clustered';
  bucketCount: number;
}

/**
 * Reads and checks a `firstline monitor` config: YAML, the shape its JSON Schema gives, durations
 * above zero, target names unique per kind, and each target's `input` against its probe action's own
 * input schema (`actions` must hold http.check, tcp.check, dns.check and icmp.ping). Throws
 * {@link MonitorConfigInvalid} listing every problem with its line and column.
 *
 * @example
 * const loaded = await loadMonitorConfig('/srv/monitor.yaml', netActions(), 'monitor.yaml');
 */
export async function loadMonitorConfig(
  path: string,
  actions: readonly AnyActionDefinition[],
  display = path,
): Promise<LoadedMonitorConfig> {
  const fail = (message: string) => new MonitorConfigInvalid(display, [{ line: 1, column: 1, message }]);
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw fail(`${display} is a directory, not a monitor config file`);
    if (info.size > MAX_MONITOR_CONFIG_BYTES)
      throw fail(
        `the file is ${info.size} bytes; monitor configs are limited to ${MAX_MONITOR_CONFIG_BYTES}`,
      );
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof MonitorConfigInvalid) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(
      `cannot read the file: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error)}`,
    );
  }
  return parseMonitorConfig(text, actions, display);
}

/** Parses and checks monitor config text; see {@link loadMonitorConfig}. */
export function parseMonitorConfig(
  text: string,
  actions: readonly AnyActionDefinition[],
  display: string,
): LoadedMonitorConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new MonitorConfigInvalid(
      display,
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { line, column: col, message: `invalid YAML: ${error.message.split('\n')[0]!.trim()}` };
      }),
    );
  const locate = createLocator(doc, lines);
  const at = (problems: PathProblem[]): MonitorConfigProblem[] =>
    problems.map((p) => ({ ...locate(p.path, { key: p.key ?? false }), message: p.message }));

  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined)
    throw new MonitorConfigInvalid(display, [
      { line: 1, column: 1, message: 'the file is empty: a monitor config is a mapping with `targets:`' },
    ]);
  // Every problem at once: the checks past the schema look only at the parts that have the right shape.
  const config = data as MonitorConfig;
  const problems = [...schemaProblems(data), ...durationProblems(config), ...targetProblems(config, actions)];
  if (problems.length > 0) throw new MonitorConfigInvalid(display, at(problems));
  const every = config.every ?? DEFAULT_EVERY;
  return {
    file: display,
    config,
    port: config.port ?? DEFAULT_METRICS_PORT,
    host: config.host ?? '127.0.0.1',
    buckets: config.buckets ?? 'exponential',
    bucketCount: config.bucketCount ?? 12,
    targets: config.targets.map((t) => ({
      kind: t.kind,
      name: t.name,
      input: t.input,
      every: t.every ?? every,
      slo: t.slo,
      ...(t.timeout !== undefined && { timeout: t.timeout }),
    })),
  };
}

/** Durations the pattern accepts but that mean nothing: zero, or too large to schedule. */
function durationProblems(config: MonitorConfig): PathProblem[] {
  const problems: PathProblem[] = [];
  const check = (value: unknown, path: Array<string | number>, what: string) => {
    // Not a duration at all is the schema's to report.
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms !== undefined && (ms <= 0 || ms > 2 ** 31 - 1))
      problems.push({
        path,
        message: `\`${what}\` must be more than 0 and at most 24 days, not ${String(value)}`,
      });
  };
  check(config.every, ['every'], 'every');
  for (const [i, t] of wellFormedTargets(config))
    for (const key of ['every', 'slo', 'timeout'] as const) check(t[key], ['targets', i, key], key);
  return problems;
}

/** The targets that are mappings with a known kind, with their indexes. */
function wellFormedTargets(config: MonitorConfig): Array<[number, MonitorTarget]> {
  const targets: unknown = isRecord(config) ? config.targets : undefined;
  if (!Array.isArray(targets)) return [];
  return targets.flatMap((t: unknown, i): Array<[number, MonitorTarget]> =>
    isRecord(t) && typeof t.kind === 'string' && Object.hasOwn(PROBE_ACTIONS, t.kind)
      ? [[i, t as unknown as MonitorTarget]]
      : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names unique per kind, and every input accepted by its probe action's schema. */
function targetProblems(config: MonitorConfig, actions: readonly AnyActionDefinition[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const probes = actions.filter((a) => Object.values(PROBE_ACTIONS).includes(a.id));
  const registry = createActionRegistry(probes, { builtins: false });
  const seen = new Map<string, number>();
  for (const [i, target] of wellFormedTargets(config)) {
    // A missing or non-string name is the schema's to report.
    const first = typeof target.name === 'string' ? seen.get(`${target.kind} ${target.name}`) : undefined;
    if (first !== undefined)
      problems.push({
        path: ['targets', i, 'name'],
        message: `targets[${first}] is already the ${target.kind} target "${target.name}"; names must be unique per kind`,
      });
    else if (typeof target.name === 'string') seen.set(`${target.kind} ${target.name}`, i);
    const action = registry.get(PROBE_ACTIONS[target.kind]);
    if (!action) {
      problems.push({
        path: ['targets', i, 'kind'],
        message: `no ${PROBE_ACTIONS[target.kind]} action is installed (it comes with @firstline/actions-net)`,
      });
      continue;
    }
    if (!isRecord(target.input)) continue;
    for (const error of registry.checkInput(action.id, target.input)) {
      const problem = describeError(error);
      problems.push({
        ...problem,
        path: ['targets', i, 'input', ...problem.path],
        message: `${action.id} input: ${problem.message}`,
      });
    }
  }
  return problems;
}
