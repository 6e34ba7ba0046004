// Shared helpers of the console's tests: a signed-in fetch (a tiny cookie jar), form posts, and a
// playbook whose input, trigger and step output carry markup, to check that pages escape it.
import { defineAction } from '@firstline/core';
import type { AnyActionDefinition } from '@firstline/core';

/** A page as fetched: status, headers, text. Redirects are not followed. */
export interface Page {
  status: number;
  headers: Headers;
  text: string;
}

/** GETs a URL without following redirects, sending the cookie if any. */
export async function fetchPage(
  url: string,
  cookie?: string,
  headers: Record<string, string> = {},
): Promise<Page> {
  const res = await fetch(url, {
    redirect: 'manual',
    headers: { ...(cookie && { Cookie: cookie }), ...headers },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** POSTs a form (urlencoded) without following redirects. */
export async function postForm(url: string, fields: Record<string, string>, cookie?: string): Promise<Page> {
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie && { Cookie: cookie }) },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookieOf(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

/** A hidden field's value in a page: the first `<input ... name="name" value="...">`. */
export function fieldOf(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no field ${name} in the page`);
  return match[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
}

/** Signs in with a token through the login form; returns the Cookie header to send from then on. */
export async function signIn(base: string, token: string): Promise<string> {
  const form = await fetchPage(`${base}/login`);
  const loginCookie = cookieOf(form.headers);
  const res = await postForm(`${base}/login`, { csrf: fieldOf(form.text, 'csrf'), token }, loginCookie);
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
  return cookieOf(res.headers);
}

/** Markup that must never reach a page unescaped. */
export const MARKUP = '<script>alert("pwned")</script>';

/** A playbook whose step output is its input: `note` shows up in inputs, output and (given) trigger. */
export const echoPlaybook = {
  firstline: 1,
  name: 'echo',
  inputs: { note: { type: 'string' } },
  steps: [
    { id: 'say', action: 'test.echo', with: { note: '{{ inputs.note }}' } },
    { id: 'done', end: 'recovered' },
  ],
};

/** The action {@link echoPlaybook} runs: a probe that returns what it was given. */
export const echoAction: AnyActionDefinition = defineAction<{ note: string }, { said: string }>({
  id: 'test.echo',
  kind: 'probe',
  description: 'Says its note back (a test action).',
  input: { type: 'object', required: ['note'], properties: { note: { type: 'string' } } },
  run: (input) => Promise.resolve({ said: input.note }),
});
