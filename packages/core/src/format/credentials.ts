// Shapes of real credentials. Whatever matches is never repeated in a message: playbooks and
// their validation output get pasted into tickets and chat.
const CREDENTIAL_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bxox[abposre]-[A-Za-z0-9-]{8,}/, 'a Slack token'],
  [/hooks\.slack\.com\/(services|workflows)\//, 'a Slack webhook URL (the URL itself is the credential)'],
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/, 'a GitHub token'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/, 'a private key'],
  [/^\s*(GenieKey|Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}\s*$/i, 'an Authorization header value'],
];

/** What kind of credential a string looks like ("a Slack token"), or undefined when it looks like none. */
export function credentialKind(text: string): string | undefined {
  return CREDENTIAL_SHAPES.find(([shape]) => shape.test(text))?.[1];
}
