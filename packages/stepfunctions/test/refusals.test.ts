import { isFirstlineError, playbookFromData } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { exportAsl } from '../src/index.js';

// What Amazon States Language cannot express faithfully is refused at export with E_ASL_UNSUPPORTED,
// naming the step and what to do; nothing is silently dropped.

const base = { firstline: 1, name: 'refusal', inputs: { host: { type: 'string' } } };
const probe = (extra: Record<string, unknown> = {}) => ({
  id: 'probe',
  action: 'test.web.check',
  with: { url: 'https://{{ inputs.host }}/health' },
  ...extra,
});

function refusal(data: Record<string, unknown>, options: Parameters<typeof exportAsl>[1] = {}): string {
  try {
    exportAsl(playbookFromData({ ...base, ...data }), options);
  } catch (error) {
    if (isFirstlineError(error) && error.code === 'E_ASL_UNSUPPORTED') return error.message;
    throw error;
  }
  throw new Error('exported without a refusal');
}

describe('refused with E_ASL_UNSUPPORTED, naming the step', () => {
  it('retry.backoff: linear (a Retry can only multiply)', () => {
    expect(refusal({ steps: [probe({ retry: { attempts: 3, delay: '1s', backoff: 'linear' } })] })).toMatch(
      /step "probe": retry.backoff: linear/,
    );
  });

  it('retry.on: [fail] (a Retry never sees a verdict)', () => {
    expect(refusal({ steps: [probe({ retry: { attempts: 2, on: ['fail'] } })] })).toMatch(
      /step "probe": retry.on: \[fail\]/,
    );
  });

  it('a secret read inside an expression (the definition would need its value)', () => {
    const message = refusal({
      secrets: { token: { env: 'FAKE_TOKEN' } },
      steps: [probe({ with: { url: 'https://x.test/?t={{ $uppercase(secrets.token) }}' } })],
    });
    expect(message).toMatch(/step "probe": .*reads a secret inside an expression/);
  });

  it('a secret inside a list', () => {
    const message = refusal({
      secrets: { token: { env: 'FAKE_TOKEN' } },
      steps: [probe({ with: { url: 'https://x.test/', headers: ['{{ secrets.token }}'] } })],
    });
    expect(message).toMatch(/step "probe": .*secret inside a list/);
  });

  it('an approve step (the decision resumes the run store, not an execution)', () => {
    expect(refusal({ steps: [{ id: 'ask', approve: { timeout: '5m' } }, probe()] })).toMatch(
      /step "ask": an approval waits for a person/,
    );
  });

  it('lock.whenLocked: queue (the state machine would have to poll for the holder)', () => {
    expect(refusal({ lock: { key: '{{ inputs.host }}', whenLocked: 'queue' }, steps: [probe()] })).toMatch(
      /lock.whenLocked: queue/,
    );
  });

  it('a budgeted action inside a parallel group', () => {
    const message = refusal({
      budgets: [{ key: '{{ inputs.host }}', actions: ['test.host.restart'], max: 1, per: '1h' }],
      steps: [
        {
          id: 'both',
          parallel: true,
          steps: [
            probe(),
            { id: 'restart', action: 'test.host.restart', with: { host: '{{ inputs.host }}' } },
          ],
        },
      ],
    });
    expect(message).toMatch(/step "restart": a budgeted action inside a parallel group/);
  });

  it('JSONPath: what needs JSONata (when, a template over a step output, maxVisits, the first-line form)', () => {
    const jsonPath = { queryLanguage: 'JSONPath' } as const;
    expect(refusal({ steps: [probe({ when: 'inputs.host != "x"' })] }, jsonPath)).toMatch(
      /step "probe": queryLanguage JSONPath: when needs JSONata/,
    );
    expect(
      refusal(
        {
          steps: [
            probe(),
            { id: 'again', action: 'test.web.check', with: { url: '{{ steps.probe.output.url }}' } },
          ],
        },
        jsonPath,
      ),
    ).toMatch(/step "again": queryLanguage JSONPath: \{\{ steps.probe.output.url \}\} is not a plain input/);
    expect(refusal({ steps: [probe({ maxVisits: 2 })] }, jsonPath)).toMatch(/step "probe": .*maxVisits/);
    expect(
      refusal(
        { checks: [probe()], notify: { unrecovered: [{ action: 'test.chat.post', with: {} }] } },
        jsonPath,
      ),
    ).toMatch(/the first-line form's rounds need JSONata/);
  });
});
