import { buildRunReport, reportHtml } from '@firstline/core';
import type { ActionLookup, ApprovalState, CompiledPlaybook, RunRecord } from '@firstline/core';
import { playbookGraph, toMermaid } from '@firstline/core/internal';
import type { PlaybookGraph } from '@firstline/core/internal';
import { esc, isoOf, page, toneOf } from './consolePage.js';
import type { PageContext } from './consolePage.js';

/** How often an open run's page asks whether the run moved on, in ms. */
export const POLL_MS = 2_000;

/**
 * `/runs/:id`: the run's approval (if any), the path it took through its playbook's graph, and core's
 * report (what changed, trigger, steps with redacted inputs and outputs, timeline). While the run is
 * not done, a small script asks `state` every two seconds and reloads when the run moved on.
 */
export function runPage(
  ctx: PageContext,
  record: RunRecord,
  compiled: CompiledPlaybook | undefined,
  actions: ActionLookup,
): string {
  const report = buildRunReport(record, { actions });
  // Core's report is a whole page; the console shows its body inside its own (styled by the console).
  const body = /<body>([\s\S]*)<\/body>/.exec(reportHtml(report))?.[1] ?? '';
  const approval = record.approval ? approvalSection(ctx, record.approval, record.status) : '';
  const graph = compiled ? graphSection(playbookGraph(compiled), record) : '';
  const live =
    record.status === 'done'
      ? ''
      : `<p class="notice" id="live">This run is still going; the page follows it.</p>
<script nonce="${esc(ctx.nonce)}">(function(){var seen=${JSON.stringify(String(record.updatedAt))};
var url=${JSON.stringify(`${ctx.base}/runs/${encodeURIComponent(record.runId)}/state`)};
function tick(){fetch(url,{credentials:'same-origin',headers:{accept:'application/json'}}).then(function(r){return r.json()}).then(function(s){
if(String(s.updatedAt)!==seen||s.status==='done'){location.reload();return}setTimeout(tick,${POLL_MS})}).catch(function(){setTimeout(tick,${POLL_MS * 5})})}
setTimeout(tick,${POLL_MS})})();</script>`;
  return page(
    ctx,
    `Run ${record.runId}`,
    `<p><a href="${esc(ctx.base)}/">← Runs</a></p>
<p class="facts">Status: ${toneOf(record.status)}${record.outcome !== undefined ? ` — outcome ${toneOf(record.outcome)}` : ''}</p>
${live}${approval}${graph}<div class="report">${body}</div>`,
  );
}

function approvalSection(ctx: PageContext, approval: ApprovalState, status: RunRecord['status']): string {
  const d = approval.decision;
  const decided = d
    ? `<p class="decision">${toneOf(d.decision)} by <b>${esc(d.by)}</b> (${esc(d.via)}) at <time>${esc(isoOf(d.at))}</time>${d.reason ? `: “${esc(d.reason)}”` : ''}</p>`
    : status === 'running'
      ? `<p>Waiting for a decision until <time>${esc(isoOf(approval.expiresAt))}</time>. <a href="${esc(ctx.base)}/approvals">Decide</a></p>`
      : '<p>Nobody decided before it expired.</p>';
  return `<section class="approval" id="approval"><h2>Approval — step <code>${esc(approval.step)}</code></h2>
<p>${esc(approval.message)}</p>${decided}</section>`;
}

/** The steps the run visited and how it ended, as graph node ids. */
export function visitedNodes(graph: PlaybookGraph, record: RunRecord): Set<string> {
  const steps = new Set<string>();
  for (const e of record.trace) if (e.type === 'step.start') steps.add(e.step);
  const visited = new Set<string>();
  for (const node of graph.nodes) {
    if (node.step !== undefined && steps.has(node.step)) visited.add(node.id);
    if (node.kind === 'outcome' && node.outcome === record.outcome) visited.add(node.id);
  }
  return visited;
}

function graphSection(graph: PlaybookGraph, record: RunRecord): string {
  const visited = visitedNodes(graph, record);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  // A step the run was stored in is started again when it resumes: one visit, listed once.
  const visits = new Set<string>();
  const path = record.trace.flatMap((e) =>
    e.type === 'step.start' && !visits.has(`${e.step}#${e.visit}`) && visits.add(`${e.step}#${e.visit}`)
      ? [e.step]
      : [],
  );
  if (record.outcome !== undefined) path.push(record.outcome);
  const items = graph.nodes
    .filter((n) => n.parent === undefined || visited.has(n.id))
    .map((node) => {
      const out = graph.edges
        .filter((e) => e.from === node.id)
        .map((e) => {
          const taken = visited.has(e.from) && visited.has(e.to);
          const label = e.label ? ` <small>(${esc(e.label)})</small>` : '';
          return `<span class="${taken ? 'edge taken' : 'edge'}">→ ${esc(byId.get(e.to)?.label ?? e.to)}${label}</span>`;
        })
        .join(' ');
      const label = node.kind === 'outcome' ? `the run ends ${node.label}` : node.label;
      return `<li class="${visited.has(node.id) ? 'taken' : ''}" data-node="${esc(node.id)}"><b>${esc(label)}</b>${out}</li>`;
    })
    .join('\n');
  return `<section class="graph" id="graph"><h2>Path through ${esc(graph.name)}</h2>
<p>Taken: ${path.map((p) => `<code>${esc(p)}</code>`).join(' → ')}</p>
<ul class="path">${items}</ul>
<details><summary>Mermaid source (paste into any Mermaid renderer; the path taken is class <code>taken</code>)</summary>
<pre class="mermaid">${esc(toMermaid(graph, { visited }))}</pre></details></section>`;
}
