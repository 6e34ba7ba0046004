import * as core from '@firstline/core';
import { createMemoryStore } from '@firstline/core';
import { describe, expect, it, vi } from 'vitest';
import { createLambdaHandler } from '../src/index.js';
import { lambdaContext } from './support.js';

// compilePlaybook is wrapped in a spy (the real one still runs) to count what the handler compiles.
vi.mock('@firstline/core', async (importOriginal) => {
  const original = await importOriginal<typeof core>();
  return { ...original, compilePlaybook: vi.fn(original.compilePlaybook) };
});

const playbook = (name: string) => ({
  firstline: 1,
  name,
  steps: [{ id: 'say', action: 'core.log', with: { message: 'hello from {{ name }}' } }],
});

describe('module scope', () => {
  it('(spy on compilePlaybook) compiles each playbook once per container, on first use, however many invocations', async () => {
    const compile = vi.mocked(core.compilePlaybook);
    compile.mockClear();
    const handler = createLambdaHandler({
      playbooks: { a: playbook('a'), b: playbook('b') },
      actions: [],
      store: createMemoryStore(),
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(compile).not.toHaveBeenCalled();
    // Concurrent first invocations share the one compile in flight.
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => handler({ playbook: 'a' }, lambdaContext(60_000, `req-a${i}`))),
    );
    expect(compile).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) {
      const result = await handler({ playbook: 'a' }, lambdaContext(60_000, `req-a-more${i}`));
      expect(result.runs[0]).toMatchObject({ playbook: 'a', outcome: 'healthy' });
    }
    expect(compile).toHaveBeenCalledTimes(1);
    await handler({ playbook: 'b' }, lambdaContext(60_000, 'req-b'));
    expect(compile).toHaveBeenCalledTimes(2);
    expect(compile.mock.calls.map((call) => (call[0] as { name: string }).name)).toEqual(['a', 'b']);
  });
});
