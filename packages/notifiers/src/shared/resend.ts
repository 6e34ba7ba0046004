/**
 * What a re-sent message says (`ctx.resend`: its earlier send may have gone out), so a reader who saw
 * the first one knows why it is there twice. Slack messages, GitHub comments and OpsGenie notes carry it.
 */
export const RESENT_NOTE = '(re-sent after an interruption)';
