// Keyed maps of the run core (visits, step records, state configs) are indexed by author-chosen ids.
// A plain `{}` answers `constructor`, `toString`… from Object.prototype and treats `__proto__` as its
// prototype, so these records inherit nothing and are read through own properties only.

// Such a record inherits from one empty, frozen object that itself has no prototype: nothing is
// inherited, and unlike `Object.create(null)` (which V8 keeps as a hash table) its properties stay
// fast: a run copies its visits and step records on every step.
const Bare = function Bare() {} as unknown as new () => object;
Bare.prototype = Object.freeze(Object.create(null) as object);

/** A record that inherits nothing: `record.constructor` is only there when it was set. */
export function ownRecord<T>(from?: Readonly<Record<string, T>>): Record<string, T> {
  const record = new Bare() as Record<string, T>;
  if (from) for (const key in from) if (Object.hasOwn(from, key)) record[key] = from[key]!;
  return record;
}

/** The value `record` holds under `key` itself, never one inherited from a prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A prototype-free copy of `record` with `key` set to `value` (the original is left as it was). */
export function withOwn<T>(record: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const copy = ownRecord(record);
  copy[key] = value;
  return copy;
}

/** A prototype-free copy of `record` with every `[key, value]` of `entries` set, in order. */
export function withOwnEntries<T>(
  record: Readonly<Record<string, T>>,
  entries: Iterable<readonly [string, T]>,
): Record<string, T> {
  const copy = ownRecord(record);
  for (const [key, value] of entries) copy[key] = value;
  return copy;
}
