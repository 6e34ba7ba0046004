import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { netActions } from '@firstline/actions-net';
import { loadMonitorConfig, parseMonitorConfig } from './loadMonitorConfig.js';
import { MonitorConfigInvalid } from './MonitorConfigInvalid.js';

const example = fileURLToPath(new URL('../../../../examples/monitor/latency.yaml', import.meta.url));

describe('the monitor config', () => {
  it('has one source: monitorConfig.generated.ts is what the schema renders to', async () => {
    const script = new URL('../../scripts/gen-monitor-types.mjs', import.meta.url).href;
    const { renderTypes } = (await import(script)) as { renderTypes: () => Promise<string> };
    const committed = await readFile(new URL('./monitorConfig.generated.ts', import.meta.url), 'utf8');
    expect(
      (await renderTypes()) === committed,
      'monitorConfig.schema.json and monitorConfig.generated.ts disagree: run `pnpm --filter @firstline/cli gen`',
    ).toBe(true);
  });

  it('loads the shipped example with its defaults filled in', async () => {
    const loaded = await loadMonitorConfig(example, netActions(), 'latency.yaml');
    expect(loaded).toMatchObject({ port: 9464, host: '127.0.0.1', buckets: 'exponential', bucketCount: 12 });
    expect(loaded.targets.map((t) => `${t.kind} ${t.name} ${t.every} ${t.slo}`)).toEqual([
      'http app 15s 300ms',
      'tcp ssh 15s 50ms',
      'dns resolver 15s 20ms',
      'ping loopback 30s 5ms',
    ]);
  });

  it('defaults: port 9464, every 15s; a target without its probe action installed is a problem', () => {
    const text = 'targets:\n  - { kind: dns, name: r, input: { name: localhost }, slo: 20ms }\n';
    expect(parseMonitorConfig(text, netActions(), 'm.yaml').targets[0]!.every).toBe('15s');
    expect(() => parseMonitorConfig(text, [], 'm.yaml')).toThrow(
      expect.objectContaining({
        code: 'E_MONITOR_CONFIG',
        message: expect.stringContaining(
          'm.yaml:2:13 E_MONITOR_CONFIG no dns.check action is installed',
        ) as string,
      }) as Error,
    );
  });

  it('a positioned error with a stable code', () => {
    const error = new MonitorConfigInvalid('m.yaml', [
      { line: 3, column: 2, message: 'second' },
      { line: 1, column: 5, message: 'first' },
    ]);
    expect(error.code).toBe('E_MONITOR_CONFIG');
    expect(error.message).toBe('m.yaml:1:5 E_MONITOR_CONFIG first (and 1 more)');
    expect(error.issues.map((i) => i.line)).toEqual([1, 3]);
  });
});
