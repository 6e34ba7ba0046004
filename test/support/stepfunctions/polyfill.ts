// aws-local-stepfunctions 3.0.0 declares `engines.node >=22`. Read from its build
// (build/main.node.esm.js), the one API it calls that Node 20.19 lacks is `Promise.withResolvers`
// (ES2024, Node 22): TaskStateAction.execute uses it for the Task timeout race, so without it every
// Task state fails with `TypeError: Promise.withResolvers is not a function`. (`AbortSignal.any`, the
// other recent API it calls, is in Node 20.3+.) The polyfill below is the spec's behaviour; it is
// installed only by this harness, before the library is loaded, and only where the API is missing.

interface WithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = PromiseConstructor & { withResolvers?: <T>() => WithResolvers<T> };

/** Adds `Promise.withResolvers` where the runtime lacks it (Node < 22); a no-op elsewhere. */
export function installPromiseWithResolvers(): void {
  const ctor = Promise as PromiseWithResolvers;
  if (typeof ctor.withResolvers === 'function') return;
  Object.defineProperty(ctor, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor): WithResolvers<T> {
      let resolve!: WithResolvers<T>['resolve'];
      let reject!: WithResolvers<T>['reject'];
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
