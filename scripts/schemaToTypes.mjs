// One JSON Schema → TypeScript rendering for the repo's generated types (core's playbook types,
// the CLI's monitor config): the same json-schema-to-typescript settings, and the same clean-up of
// its "referenced by" notes and empty doc comments.
import { compile } from 'json-schema-to-typescript';

/** The TypeScript declarations for `schema`, its root type named `name`. */
export async function schemaToTypes(schema, name, options = {}) {
  const body = await compile(schema, name, {
    bannerComment: '',
    additionalProperties: false,
    format: true,
    style: { singleQuote: true, printWidth: 110, trailingComma: 'all' },
    ...options,
  });
  return body
    .replace(
      /\n \*\n \* This interface was referenced by `.*`'s JSON-Schema\n \* via the `definition` "\w+"\./g,
      '',
    )
    .replace(
      /^ \* This interface was referenced by `.*`'s JSON-Schema\n \* via the `definition` "\w+"\.\n/gm,
      '',
    )
    .replace(/\/\*\*\n \*\/\n/g, '');
}
