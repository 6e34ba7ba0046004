import { describeRunStore } from '@firstline/core/testing';
import { kvRunStore } from './kvStore.js';
import type { KeyValue } from './kvStore.js';

/** An in-memory stand-in for the database, with the same atomic operations. */
function memoryKeyValue(): KeyValue {
  const data = new Map<string, string>();
  const queues = new Map<string, Promise<unknown>>();
  return {
    get: (key) => Promise.resolve(data.get(key)),
    set: (key, value) => Promise.resolve(void data.set(key, value)),
    setIfAbsent: (key, value) => Promise.resolve(!data.has(key) && data.set(key, value) !== undefined),
    delete: (key) => Promise.resolve(void data.delete(key)),
    keys: (prefix) => Promise.resolve([...data.keys()].filter((key) => key.startsWith(prefix))),
    exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const turn = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
      queues.set(
        key,
        turn.catch(() => undefined),
      );
      return turn;
    },
  };
}

describeRunStore('the key-value store', () => Promise.resolve({ store: kvRunStore(memoryKeyValue()) }));
