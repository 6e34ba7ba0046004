// The TypeScript type a JSON Schema describes, worked out by the compiler: an action declares its
// input and output once, as the JSON Schema validation enforces, and its `run(input)` is typed from it.
// Covered: `type` (one or a list) of object/string/number/integer/boolean/null/array, `properties`
// with `required`, `additionalProperties` (a schema gives a record), `items`, `enum`, `const`, `anyOf`
// and `oneOf`, nested to any depth. Everything else (`pattern`, `minimum`, `format`…) narrows values,
// not types, and is ignored. `default` makes nothing required: the engine validates `with:` and
// does not fill defaults in, so a property outside `required` may be absent and the action applies
// its default itself. A schema the type cannot read (a plain `JSONSchema` variable) gives `unknown`.

type Simple = {
  string: string;
  number: number;
  integer: number;
  boolean: boolean;
  null: null;
};

type Members<L> = L extends readonly unknown[] ? { [K in keyof L]: FromSchema<L[K]> }[number] : never;

type RequiredKeys<S> = S extends { required: readonly (infer R)[] } ? Extract<R, string> : never;

type Flatten<T> = { [K in keyof T]: T[K] } & {};

type PropertiesOf<S> = S extends { properties: infer P }
  ? Flatten<
      { -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]-?: FromSchema<P[K]> } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: FromSchema<P[K]>;
      }
    >
  : unknown;

type ObjectOf<S> = S extends { properties: object }
  ? // Extra keys beside the declared ones are read as `unknown`: TypeScript cannot type "the others".
    S extends { additionalProperties: object }
    ? PropertiesOf<S> & Record<string, unknown>
    : PropertiesOf<S>
  : S extends { additionalProperties: false }
    ? Record<string, never>
    : S extends { additionalProperties: infer A extends object }
      ? Record<string, FromSchema<A>>
      : Record<string, unknown>;

type OfType<S, T> = T extends keyof Simple
  ? Simple[T]
  : T extends 'object'
    ? ObjectOf<S>
    : T extends 'array'
      ? S extends { items: infer I }
        ? Array<FromSchema<I>>
        : unknown[]
      : unknown;

/**
 * The TypeScript type of the values a JSON Schema accepts, for a schema written as a literal with
 * `as const` (or passed to {@link defineAction}, which reads it as written).
 *
 * @example
 * const input = { type: 'object', required: ['url'], properties: { url: { type: 'string' } } } as const;
 * type Input = FromSchema<typeof input>; // { url: string }
 */
export type FromSchema<S> = S extends { const: infer C }
  ? C
  : S extends { enum: readonly (infer E)[] }
    ? E
    : // A `type` or `properties` decides; an `anyOf`/`oneOf` beside them only narrows (which of
      // `last` or `start` is required, say), so it gives the type only of a schema without either.
      S extends { type: infer T }
      ? T extends readonly unknown[]
        ? { [K in keyof T]: OfType<S, T[K]> }[number]
        : OfType<S, T>
      : S extends { properties: object }
        ? ObjectOf<S>
        : S extends { anyOf: infer L }
          ? Members<L>
          : S extends { oneOf: infer L }
            ? Members<L>
            : unknown;
