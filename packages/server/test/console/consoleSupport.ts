// Shared helpers of the console's tests: a signed-in fetch (a tiny cookie jar), form posts, and a
// playbook whose input, trigger and step output carry markup, to check that pages escape it.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Probe, restart, probe again: the shape of the examples' first-line playbooks, in general form. */
export const firstLine = (name: string, approve: boolean) => ({
  firstline: 1,
  name,
  inputs: { url: { type: 'string' }, instance: { type: 'string' } },
  steps: [
    {
      id: 'probe',
      action: 'http.check',
      with: { url: '{{ inputs.url }}', expectStatus: 200 },
      retry: { attempts: 1 },
      on: { pass: 'healthy', fail: approve ? 'approve-restart' : 'restart', error: 'gave-up' },
    },
    ...(approve
      ? [
          {
            id: 'approve-restart',
            approve: {
              message: 'Restart {{ inputs.instance }}? Its health check fails.',
              timeout: '1h',
              approvers: { console: ['alice'] },
            },
            on: { approved: 'restart', denied: 'gave-up', expired: 'gave-up' },
          },
        ]
      : []),
    { id: 'restart', action: 'test.restart', with: { instance: '{{ inputs.instance }}' } },
    {
      id: 'recheck',
      action: 'http.check',
      with: { url: '{{ inputs.url }}', expectStatus: 200 },
      retry: { attempts: 1 },
      on: { pass: 'fixed', fail: 'gave-up', error: 'gave-up' },
    },
    { id: 'fixed', end: 'recovered' },
    { id: 'healthy', end: 'healthy' },
    { id: 'gave-up', end: 'unrecovered' },
  ],
});

/** A loopback service per path: `/flaky/<name>` fails until restarted, `/down` always fails. */
export async function startService(restarts: string[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const name = /^\/flaky\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    const up = name !== undefined && restarts.includes(name);
    res.writeHead(up ? 200 : 500, { 'Content-Type': 'text/plain' });
    res.end(up ? 'ok' : 'down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
