import { credentialKind } from '../format/credentials.js';
import { isTemplate } from '../format/expressions.js';
import type { PathSegment } from '../load/sourceMap.js';
import { walkStrings } from './context.js';
import type { IssueCollector } from './context.js';

// Keys whose literal value is a credential whatever it looks like (an OpsGenie key is just a UUID).
const SECRET_KEYS =
  /^(token|apiKey|api_key|apiToken|password|passwd|secret|secretKey|secretAccessKey|clientSecret|privateKey|authorization|webhookUrl|accessToken|passphrase)$/i;

/**
 * Rejects credentials written into the playbook. Secrets belong under `secrets:` as references
 * (env, ssm, secretsManager) and reach actions as `{{ secrets.name }}`, which traces redact.
 */
export function checkInlineSecrets(root: Record<string, unknown>, issues: IssueCollector): void {
  for (const [key, value] of Object.entries(root)) {
    walkStrings(value, [key], (text, path) => {
      // Shapes are checked everywhere, `secrets:` and templates included: a token pasted as
      // `env: xoxb-…` or inside `{{ 'xoxb-…' }}` is still a token in the file.
      const shape = credentialKind(text);
      const name = path.at(-1);
      const byKey =
        key !== 'secrets' &&
        typeof name === 'string' &&
        SECRET_KEYS.test(name) &&
        text.trim() !== '' &&
        !isTemplate(text);
      if (shape || byKey) report(path, shape, issues);
    });
  }
}

const SUGGESTED_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['Slack webhook', 'slackWebhookUrl'],
  ['Slack', 'slackToken'],
  ['GitHub', 'githubToken'],
  ['AWS', 'awsAccessKeyId'],
  ['private key', 'privateKey'],
  ['Authorization', 'authorization'],
];

function report(path: PathSegment[], what: string | undefined, issues: IssueCollector): void {
  const name = String(path.at(-1));
  // Name the suggested secret after what was found when the key says nothing (message:, text:).
  const label =
    (what && SUGGESTED_NAMES.find(([word]) => what.includes(word))?.[1]) ??
    (/^[A-Za-z][\w-]*$/.test(name) ? name : 'mySecret');
  const envName = label.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  issues.report(
    'E_INLINE_SECRET',
    path,
    `${what ? `this looks like ${what}` : `"${name}" holds a literal credential`} written into the playbook; declare it under secrets: (e.g. ${label}: { env: ${envName} }) and use "{{ secrets.${label} }}"`,
  );
}
