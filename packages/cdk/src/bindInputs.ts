/**
 * The playbook's data with every `{{ inputs.<name> }}` whose value the deployment fixes (the instance
 * the alarm watches, the URL to check…) replaced by that value. playbookPermissions turns templates
 * it cannot know into `*`; bound first, a reboot is allowed on this stack's instance, not on every one.
 */
export function bindInputs<T>(data: T, inputs: Readonly<Record<string, string>>): T {
  return bind(data, inputs) as T;
}

function bind(data: unknown, inputs: Readonly<Record<string, string>>): unknown {
  if (typeof data === 'string')
    // Only plain references: an expression over an input (`{{ inputs.a & 'x' }}`) stays a template.
    return data.replace(/\{\{\s*inputs\.([A-Za-z_$][\w$]*)\s*\}\}/g, (template, name: string) =>
      Object.hasOwn(inputs, name) ? inputs[name]! : template,
    );
  if (Array.isArray(data)) return data.map((item) => bind(item, inputs));
  if (typeof data === 'object' && data !== null)
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, bind(value, inputs)]));
  return data;
}
