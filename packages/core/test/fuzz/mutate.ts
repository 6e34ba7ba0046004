// Mutations for the playbook fuzz test: structural changes on the parsed data (drop, duplicate,
// rename keys, swap types, odd step ids, bad gotos) and textual ones on the YAML (deep nesting,
// huge strings, unicode, truncation), all driven by one seeded generator so a failure replays.
import { stringify } from 'yaml';

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same mutants. */
/** The fuzz seed from FIRSTLINE_FUZZ_SEED: a number, `random` for a fresh one, a fixed one when unset. */
export function fuzzSeed(text: string | undefined): number {
  if (text === 'random') return Math.floor(Math.random() * 2 ** 31);
  return text === undefined || text === '' ? 20_261_206 : Number(text);
}

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** Step ids that collide with `Object.prototype` (issue 15, item 1) or are otherwise awkward. */
export const PROTOTYPE_IDS = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__proto__',
  'propertyIsEnumerable',
  'toLocaleString',
] as const;
const ODD_IDS = [...PROTOTYPE_IDS, 'a', 'x'.repeat(200), 'step-1', 'end', 'fail', 'héllo', '日本', '1'];
const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e21,
  true,
  '',
  'x'.repeat(20_000),
  [],
  {},
  [1, 'two', null],
  { nested: { deeper: [{}] } },
  '{{ inputs.missing }}',
  '{{ $pad("x", 500) }}',
  '5m',
  '0s',
  '9999h',
  'ü\u0000\u202e\ud83d\ude00',
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every object and array inside `root`, with the path to it, for picking a place to mutate. */
function containers(root: Json): Array<Json[] | { [key: string]: Json }> {
  const out: Array<Json[] | { [key: string]: Json }> = [];
  const walk = (node: Json) => {
    if (node === null || typeof node !== 'object') return;
    out.push(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child);
  };
  walk(root);
  return out;
}

type Step = { [key: string]: Json; id: string };

/** Every mapping with a string `id`: the steps (and checks) of the playbook. */
function steps(root: Json): Step[] {
  return containers(root).filter((c): c is Step => !Array.isArray(c) && typeof c.id === 'string');
}

/** One structural mutation of `data` in place; returns what it did, for the failure message. */
function mutateData(data: Json, rng: Rng): string {
  const places = containers(data);
  const place = rng.pick(places);
  const stepList = steps(data);
  switch (rng.int(8)) {
    case 0: {
      // drop a key or an item
      if (Array.isArray(place))
        return place.length ? `drop item ${place.splice(rng.int(place.length), 1).length}` : 'noop';
      const key = rng.pick(Object.keys(place).concat(['']));
      delete place[key];
      return `drop key ${key}`;
    }
    case 1: {
      // duplicate an item or a key's value under another key
      if (Array.isArray(place)) {
        if (place.length) place.push(structuredClone(rng.pick(place)));
        return 'dup item';
      }
      const keys = Object.keys(place);
      if (!keys.length) return 'noop';
      const key = rng.pick(keys);
      place[`${key}${rng.pick(['', '2', '_copy'])}` || key] = structuredClone(place[key]!);
      return `dup key ${key}`;
    }
    case 2: {
      // rename a key (often to a near-typo, so did-you-mean runs)
      if (Array.isArray(place) || !Object.keys(place).length) return 'noop';
      const key = rng.pick(Object.keys(place));
      const renamed = rng.int(2) ? key.slice(1) + key[0] : rng.pick(ODD_IDS);
      Object.defineProperty(place, renamed, {
        value: place[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
      if (renamed !== key) delete place[key];
      return `rename ${key} → ${renamed}`;
    }
    case 3: {
      // swap a value's type
      const value = structuredClone(rng.pick(ODD_VALUES)) as Json;
      if (Array.isArray(place)) {
        if (place.length) place[rng.int(place.length)] = value;
      } else {
        const keys = Object.keys(place);
        if (keys.length) place[rng.pick(keys)] = value;
      }
      return `swap type → ${JSON.stringify(value).slice(0, 40)}`;
    }
    case 4: {
      // a random step id, prototype names included
      if (!stepList.length) return 'noop';
      const step = rng.pick(stepList);
      const id = rng.pick(ODD_IDS);
      step.id = id;
      return `step id → ${id}`;
    }
    case 5: {
      // a goto to nowhere, or to an odd id
      if (!stepList.length) return 'noop';
      const step = rng.pick(stepList);
      const target = rng.int(2) ? `${step.id}x` : rng.pick(ODD_IDS);
      if (rng.int(2)) step.next = target;
      else
        step.on = {
          ...(typeof step.on === 'object' && step.on && !Array.isArray(step.on) ? step.on : {}),
          fail: target,
        };
      return `goto → ${target}`;
    }
    case 6: {
      // a loop back to the first step, bounded or not
      if (stepList.length < 2) return 'noop';
      const last = rng.pick(stepList);
      last.next = stepList[0]!.id;
      if (rng.int(2)) last.maxVisits = rng.pick([1, 2, 3, 0, -1, 1e9]);
      return `loop ${last.id} → ${stepList[0]!.id}`;
    }
    default: {
      // deep nesting inside a value
      let deep: Json = 'leaf';
      const levels = rng.pick([10, 63, 65, 200]);
      for (let i = 0; i < levels; i++) deep = rng.int(2) ? [deep] : { k: deep };
      if (Array.isArray(place)) place.push(deep);
      else place.deep = deep;
      return `nest ${levels}`;
    }
  }
}

/** One textual mutation of YAML `text`. */
function mutateText(text: string, rng: Rng): { text: string; did: string } {
  const at = rng.int(text.length + 1);
  switch (rng.int(6)) {
    case 0:
      return { text: text.slice(0, at), did: `truncate at ${at}` };
    case 1: {
      const levels = rng.pick([65, 1_000, 100_000]);
      return { text: `${text}deep:\n${'- '.repeat(levels)}x\n`, did: `block nest ${levels}` };
    }
    case 2: {
      const levels = rng.pick([65, 5_000]);
      return {
        text: `${text}deep: ${'['.repeat(levels)}${']'.repeat(levels)}\n`,
        did: `flow nest ${levels}`,
      };
    }
    case 3: {
      const ch = rng.pick([
        '\u0000',
        '\t',
        '\ufeff',
        '\u202e',
        '😀',
        'é',
        '\r',
        '"',
        "'",
        ':',
        '&a',
        '*a',
        '!!js/function ',
      ]);
      return { text: text.slice(0, at) + ch + text.slice(at), did: `insert ${JSON.stringify(ch)} at ${at}` };
    }
    case 4:
      return {
        text: `${text}huge: ${'y'.repeat(rng.pick([1_000, 200_000, 1_100_000]))}\n`,
        did: 'huge string',
      };
    default: {
      const line = text.split('\n');
      const i = rng.int(line.length);
      line.splice(i, 0, line[rng.int(line.length)] ?? '');
      return { text: line.join('\n'), did: `dup line ${i + 1}` };
    }
  }
}

/** A mutant of `data` (a parsed example): one to three mutations, structural and sometimes textual. */
export function mutant(data: unknown, rng: Rng): { text: string; did: string[] } {
  const copy = structuredClone(data) as Json;
  const did: string[] = [];
  const count = 1 + rng.int(3);
  for (let i = 0; i < count; i++) did.push(mutateData(copy, rng));
  let text = stringify(copy, { aliasDuplicateObjects: false, lineWidth: 0 });
  if (rng.int(4) === 0) {
    const textual = mutateText(text, rng);
    text = textual.text;
    did.push(textual.did);
  }
  return { text, did };
}
