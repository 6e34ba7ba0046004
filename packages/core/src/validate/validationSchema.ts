/** A JSON Schema node, as plain data. */
export type Schema = Record<string, unknown>;

// What each choice in the schema means when nothing matches it; keyed by the $defs name.
const NO_BRANCH: Record<string, string> = {
  step: 'E_STEP_KIND: a step needs exactly one of action, wait, goto, end, parallel or approve',
  secretRef:
    'E_SCHEMA: a secret is a reference: { env: NAME }, { ssm: /param/name } or { secretsManager: name }',
  quorum: 'E_VALUE: quorum is all, any or { atLeast: N }',
  checks: 'E_TYPE: checks is a list of probe steps, or a mapping with parallel: true, quorum and steps',
  waitStep: 'E_TYPE: wait is a duration (2m) or a mapping { until, step, timeout, every }',
};

/**
 * Derives the schema the validator runs from the published one. Each `oneOf`/`anyOf` choice
 * becomes an if/then chain keyed on what tells the branches apart (a key only one branch
 * requires, or a type), so a mistake inside a step reports that step's errors, not a dump of
 * every branch. The root `oneOf` (checks xor steps) is checked as E_FORM instead. The verdict is
 * the published schema's; only the errors reported differ.
 */
export function toValidationSchema(schema: Schema): Schema {
  const copy = structuredClone(schema) as Schema & { $defs: Record<string, Schema> };
  delete copy.oneOf;
  const defs = copy.$defs;
  const resolve = (s: Schema): Schema =>
    typeof s.$ref === 'string' ? (defs[s.$ref.replace('#/$defs/', '')] ?? s) : s;

  const chain = (branches: Schema[], fallback: string): Schema => {
    const required = branches.map((b) => (resolve(b).required as string[] | undefined) ?? []);
    const conditions = branches.map((b, i) => {
      const own = required[i]!.find((k) => required.every((other, j) => j === i || !other.includes(k)));
      if (own) return { type: 'object', required: [own] };
      const r = resolve(b);
      const type = r.type ?? (Array.isArray(r.enum) ? 'string' : undefined);
      return { type };
    });
    // `not: {}` always fails; `x-invalid` (an annotation) carries the code and sentence to report.
    let out: Schema = { not: {}, 'x-invalid': fallback };
    for (let i = branches.length - 1; i >= 0; i--) out = { if: conditions[i], then: branches[i], else: out };
    return out;
  };

  for (const [name, def] of Object.entries(defs)) {
    const branches = (def.oneOf ?? def.anyOf) as Schema[] | undefined;
    if (branches && NO_BRANCH[name]) {
      delete def.oneOf;
      delete def.anyOf;
      Object.assign(def, chain(branches, NO_BRANCH[name]));
    }
  }
  // Each definition names itself, so an error can tell which one it came from: inside a $ref'd
  // schema ajv's schemaPath is relative ("#/additionalProperties") and says nothing of it.
  for (const [name, def] of Object.entries(defs)) def['x-def'] = name;
  const wait = (defs.waitStep!.properties as Record<string, Schema>).wait!;
  (defs.waitStep!.properties as Record<string, Schema>).wait = chain(
    wait.oneOf as Schema[],
    NO_BRANCH.waitStep!,
  );
  return copy;
}

/** Annotation keywords the validation schema carries; ajv must know them to compile it strictly. */
export const ANNOTATION_KEYWORDS = ['tsType', 'x-invalid', 'x-def'] as const;
