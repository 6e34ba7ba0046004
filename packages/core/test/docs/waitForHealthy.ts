import { ActionError, defineAction } from '@firstline/core';

/** Polls a URL until it answers 200: waits on ctx.clock, fetches with ctx.signal, logs each look. */
export const waitForHealthy = defineAction<
  { url: string; token?: string; every?: number; tries?: number },
  { status: number; tries: number }
>({
  id: 'demo.waitForHealthy',
  kind: 'probe',
  description: 'Polls a URL until it answers 200.',
  input: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^https?://' },
      token: { type: 'string' },
      every: { type: 'integer', minimum: 1 },
      tries: { type: 'integer', minimum: 1 },
    },
    additionalProperties: false,
  },
  output: {
    type: 'object',
    required: ['status', 'tries'],
    properties: { status: { type: 'integer' }, tries: { type: 'integer' } },
  },
  async run({ url, token, every = 10_000, tries = 3 }, ctx) {
    for (let attempt = 1; ; attempt++) {
      const headers = token ? { authorization: `Bearer ${token}` } : undefined;
      const response = await fetch(url, { signal: ctx.signal, headers });
      ctx.logger.info(`${url} answered ${response.status}`, { attempt, headers });
      if (response.status === 200) return { status: 200, tries: attempt };
      if (attempt === tries)
        throw new ActionError(
          'demo.waitForHealthy',
          `${url} answered ${response.status}`,
          { retryable: true, kind: '5xx' },
          { verdict: true },
        );
      await new Promise<void>((resolve, reject) => {
        const timer = ctx.clock.setTimeout(resolve, every);
        ctx.signal.addEventListener('abort', () => {
          ctx.clock.clearTimeout(timer);
          reject(ctx.signal.reason as Error);
        });
      });
    }
  },
});
