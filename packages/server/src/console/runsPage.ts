import type { RunListing, RunPage, RunQuery } from '@firstline/core';
import { HttpError } from '../http/httpError.js';
import { esc, isoOf, page, shortDuration, toneOf } from './consolePage.js';
import type { PageContext } from './consolePage.js';

const PAGE_SIZE = 25;

/** Reads the list's filters from the query string: `status`, `playbook`, `awaiting=approval`, `cursor`. */
export function runsQuery(url: URL, playbooks: readonly string[]): RunQuery {
  const status = url.searchParams.get('status') || undefined;
  if (status !== undefined && status !== 'running' && status !== 'done')
    throw new HttpError(400, 'E_BAD_REQUEST', 'status must be running or done');
  const playbook = url.searchParams.get('playbook') || undefined;
  if (playbook !== undefined && !playbooks.includes(playbook))
    throw new HttpError(400, 'E_BAD_REQUEST', `no playbook named ${JSON.stringify(playbook)} on this server`);
  const awaiting = url.searchParams.get('awaiting') || undefined;
  if (awaiting !== undefined && awaiting !== 'approval')
    throw new HttpError(400, 'E_BAD_REQUEST', 'awaiting must be approval');
  const cursor = url.searchParams.get('cursor') || undefined;
  const limit = Number(url.searchParams.get('limit') ?? PAGE_SIZE);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new HttpError(400, 'E_BAD_REQUEST', 'limit must be a whole number from 1 to 200');
  return {
    ...(status && { status }),
    ...(playbook && { playbook }),
    ...(awaiting && { awaiting }),
    ...(cursor && { cursor }),
    limit,
  };
}

/** `/`: the runs list, newest first, with its filters and a link to the next page. */
export function runsPage(
  ctx: PageContext,
  query: RunQuery,
  result: RunPage,
  playbooks: readonly string[],
  now: number,
): string {
  const option = (value: string, label: string, selected: boolean) =>
    `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  const filters = `<form class="filters" method="get" action="${esc(ctx.base)}/">
<label>Status<br><select name="status">${option('', 'any', !query.status)}${option('running', 'running', query.status === 'running')}${option('done', 'done', query.status === 'done')}</select></label>
<label>Playbook<br><select name="playbook">${option('', 'any', !query.playbook)}${playbooks.map((p) => option(p, p, query.playbook === p)).join('')}</select></label>
<label><input type="checkbox" name="awaiting" value="approval"${query.awaiting ? ' checked' : ''}> awaiting approval</label>
<button type="submit">Filter</button></form>`;
  const rows = result.runs.map((run) => row(ctx, run, now)).join('\n');
  const table =
    result.runs.length === 0
      ? '<p class="dim">No runs.</p>'
      : `<table class="runs"><thead><tr><th>playbook</th><th>trigger</th><th>started</th><th>duration</th><th>status</th><th>outcome</th><th>what changed</th></tr></thead><tbody>
${rows}
</tbody></table>`;
  const next = result.cursor
    ? `<p><a rel="next" href="${esc(`${ctx.base}/?${nextParams(query, result.cursor)}`)}">Next page →</a></p>`
    : '';
  return page(ctx, 'Runs', `<h1>Runs</h1>${filters}${table}${next}`);
}

function row(ctx: PageContext, run: RunListing, now: number): string {
  const end = run.status === 'done' ? run.updatedAt : now;
  const status =
    run.waiting?.reason === 'approval'
      ? `${toneOf('running')} — <a href="${esc(ctx.base)}/approvals">awaiting approval</a>`
      : run.waiting?.reason === 'wait'
        ? `${toneOf('running')} — waiting`
        : toneOf(run.status);
  const changed =
    run.changed.length === 0
      ? '<span class="dim">nothing</span>'
      : run.changed.map((c) => `<code>${esc(c.step)}</code> (${esc(c.action)})`).join(', ');
  return `<tr data-run="${esc(run.runId)}"><td><a href="${esc(`${ctx.base}/runs/${encodeURIComponent(run.runId)}`)}">${esc(run.playbook)}</a>${run.mode === 'live' ? '' : ` <small class="dim">${esc(run.mode)}</small>`}</td><td>${esc(run.trigger ?? '')}</td><td><time datetime="${esc(isoOf(run.createdAt))}">${esc(isoOf(run.createdAt).replace('T', ' ').slice(0, 19))}</time></td><td>${esc(shortDuration(end - run.createdAt))}</td><td>${status}</td><td>${run.outcome !== undefined ? toneOf(run.outcome) : ''}</td><td>${changed}</td></tr>`;
}

function nextParams(query: RunQuery, cursor: string): string {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.playbook) params.set('playbook', query.playbook);
  if (query.awaiting) params.set('awaiting', query.awaiting);
  if (query.limit !== undefined && query.limit !== PAGE_SIZE) params.set('limit', String(query.limit));
  params.set('cursor', cursor);
  return params.toString();
}
