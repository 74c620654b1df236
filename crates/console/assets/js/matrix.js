// Matrix: which subnets reach which, for one protocol and port — `openvpc matrix` on the
// page. Each subnet stands for itself by its lowest-id workload interface (an instance's or
// one you made: not a NAT gateway's, load balancer's or endpoint's), every ordered pair is
// one Network Insights analysis, and each cell links to its trace.

import { arr } from './api.js';
import { VERDICTS, analyse, verdictOf } from './trace.js';
import { h } from './ui.js';

/** Whether an interface is a workload's (what `openvpc matrix` decides for a subnet). */
export function isWorkload(eni) {
  const r = eni.raw;
  return (r.interfaceType ?? 'interface') === 'interface' && r.requesterManaged !== 'true' && !(r.description || '').startsWith('ELB ');
}

/** The subnets of `vpcIds` with the interface that stands for each (or none). */
export function representatives(model, vpcIds) {
  const out = [];
  for (const vpcId of vpcIds) {
    const enis = model.inVpc('eni', vpcId).filter(isWorkload);
    const subnets = model.inVpc('subnet', vpcId).sort((a, b) => a.id.localeCompare(b.id));
    for (const s of subnets) {
      const mine = enis.filter((e) => e.subnets.includes(s.id)).sort((a, b) => a.id.localeCompare(b.id));
      out.push({ subnet: s, eni: mine[0] ?? null, count: mine.length });
    }
  }
  return out;
}

/**
 * Decides every ordered pair of the subnets that have a workload interface. Each analysis
 * is deleted once read (its path is kept and reused by the next run).
 * `onCell(i, j, cell)` reports progress; resolves to the list of rows.
 */
export async function runMatrix(api, rows, { protocol, port, onCell, stop = () => false }) {
  const decided = rows.filter((r) => r.eni);
  const jobs = [];
  decided.forEach((a, i) => decided.forEach((b, j) => i !== j && jobs.push([i, j, a, b])));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !stop()) {
      const [i, j, a, b] = jobs[next++];
      const flow = { from: a.eni.id, to: b.eni.id, protocol, port: protocol === 'icmp' ? '' : port };
      let cell;
      try {
        const result = await analyse(api, flow);
        const v = verdictOf(result);
        cell = { flow, verdict: v, word: v.word, codes: [...new Set(arr(result.analysis.explanationSet).map((e) => e.explanationCode))] };
        await api.call('DeleteNetworkInsightsAnalysis', { NetworkInsightsAnalysisId: result.analysis.networkInsightsAnalysisId }).catch(() => {});
      } catch (e) {
        cell = { flow, verdict: { cls: 'error', symbol: '✗' }, word: 'error', codes: [e.code || e.message] };
      }
      onCell(i, j, cell);
    }
  };
  await Promise.all([worker(), worker()]);
  return decided;
}

/** The matrix table (cells filled in as they are decided, through the returned `set`). */
export function matrixTable(decided, { protocol, port, link }) {
  const label = `${protocol}${protocol === 'icmp' ? '' : ` port ${port}`}`;
  const cells = new Map();
  const grid = h(
    'table',
    { class: 'matrix', 'aria-describedby': 'matrix-legend' },
    h('caption', {}, `Reachability matrix, ${label}: ${decided.length} subnets, ${decided.length * (decided.length - 1)} flows`),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'from \\ to'), decided.map((r, j) => h('th', { scope: 'col', title: `${r.subnet.id} ${r.subnet.raw.cidrBlock}` }, `S${j + 1}`))),
    ),
    h(
      'tbody',
      {},
      decided.map((r, i) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row', title: `${r.subnet.id} ${r.subnet.raw.cidrBlock}` }, `S${i + 1}`),
          decided.map((_, j) => {
            if (i === j) return h('td', { class: 'self' }, h('span', { 'aria-label': 'same subnet' }, '·'));
            const td = h('td', { class: 'pending', 'data-from': decided[i].subnet.id, 'data-to': decided[j].subnet.id }, h('span', { 'aria-label': 'deciding' }, '…'));
            cells.set(`${i},${j}`, td);
            return td;
          }),
        ),
      ),
    ),
  );
  const set = (i, j, cell) => {
    const td = cells.get(`${i},${j}`);
    if (!td) return;
    td.className = cell.verdict.cls;
    td.dataset.verdict = cell.word;
    td.replaceChildren(
      h(
        'a',
        { href: link(cell.flow), title: `S${i + 1} → S${j + 1}: ${cell.word}${cell.codes.length ? ` (${cell.codes.join(', ')})` : ''}` },
        h('span', { 'aria-hidden': 'true' }, cell.verdict.symbol),
        h('span', { class: 'sr-only' }, `S${i + 1} to S${j + 1}: ${cell.word}${cell.codes.length ? `, ${cell.codes.join(', ')}` : ''}`),
      ),
    );
  };
  const legend = h(
    'div',
    { id: 'matrix-legend', class: 'legend' },
    h('p', {}, `${[VERDICTS.reachable, VERDICTS.blocked, VERDICTS.unknown].map((v) => `${v.symbol} ${v.word}`).join(' · ')} (a component not modelled or not imported) · a cell opens its trace`),
    h(
      'ol',
      { class: 'subnets' },
      decided.map((r, i) =>
        h('li', {}, h('strong', {}, `S${i + 1} `), h('span', { class: 'mono' }, `${r.subnet.id} ${r.subnet.raw.cidrBlock} `), r.subnet.name ? `${r.subnet.name} ` : '', h('span', { class: 'muted mono' }, `via ${r.eni.id}`)),
      ),
    ),
  );
  return { grid, legend, set };
}
