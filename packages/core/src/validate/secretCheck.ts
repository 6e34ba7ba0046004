import { isTemplate } from '../format/expressions.js';
import type { PathSegment } from '../load/sourceMap.js';
import type { IssueCollector } from './context.js';
import { walkStrings } from './expressionCheck.js';

// Shapes of real credentials. The message never repeats the value: the playbook may be shared.
const CREDENTIAL_SHAPES: Array<[RegExp, string]> = [
  [/\bxox[abposre]-[A-Za-z0-9-]{8,}/, 'a Slack token'],
  [/hooks\.slack\.com\/(services|workflows)\//, 'a Slack webhook URL (the URL itself is the credential)'],
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/, 'a GitHub token'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/, 'a private key'],
  [/^\s*(GenieKey|Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}\s*$/i, 'an Authorization header value'],
];

// Keys whose literal value is a credential whatever it looks like (an OpsGenie key is just a UUID).
const SECRET_KEYS =
  /^(token|apiKey|api_key|apiToken|password|passwd|secret|secretKey|secretAccessKey|clientSecret|privateKey|authorization|webhookUrl|accessToken)$/i;

/**
 * Rejects credentials written into the playbook. Secrets belong under `secrets:` as references
 * (env, ssm, secretsManager) and reach actions as `{{ secrets.name }}`, which traces redact.
 */
export function checkInlineSecrets(root: Record<string, unknown>, issues: IssueCollector): void {
  for (const [key, value] of Object.entries(root)) {
    if (key === 'secrets') continue; // references only, checked by the schema
    walkStrings(value, [key], (text, path) => {
      if (isTemplate(text) && /^\s*\{\{[^}]*\}\}\s*$/.test(text)) return;
      const shape = CREDENTIAL_SHAPES.find(([re]) => re.test(text));
      const name = path.at(-1);
      const byKey =
        typeof name === 'string' && SECRET_KEYS.test(name) && text.trim() !== '' && !isTemplate(text);
      if (shape || byKey) report(path, shape?.[1], issues);
    });
  }
}

function report(path: PathSegment[], what: string | undefined, issues: IssueCollector): void {
  const name = String(path.at(-1));
  const label = /^[A-Za-z][\w-]*$/.test(name) ? name : 'mySecret';
  const envName = label.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  issues.report(
    'E_INLINE_SECRET',
    path,
    `${what ? `this looks like ${what}` : `"${name}" holds a literal credential`} written into the playbook; declare it under secrets: (e.g. ${label}: { env: ${envName} }) and use "{{ secrets.${label} }}"`,
  );
}
