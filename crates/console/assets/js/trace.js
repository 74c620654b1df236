// Trace: why a packet goes where it goes. The page asks the Reachability Analyzer API
// (CreateNetworkInsightsPath, StartNetworkInsightsAnalysis, DescribeNetworkInsightsAnalyses)
// and shows the verdict in words, every blocker with its explanation code, component, rule
// and what to change, and the forward and return paths hop by hop, drawn on the topology.

import { arr, filters } from './api.js';
import { UNKNOWN_CODES, meaning, ruleWords } from './explain.js';
import { kindOfId, kindWords, shortId } from './kinds.js';
import { isAddress } from './net.js';
import { fill, h, s } from './ui.js';

export const PROTOCOLS = ['tcp', 'udp', 'icmp'];

/** A flow from URL-like parameters, or null when incomplete. */
export function flowOf(params) {
  const from = (params.get('from') || '').trim();
  const to = (params.get('to') || '').trim();
  if (!from || !to) return null;
  const protocol = PROTOCOLS.includes(params.get('protocol')) ? params.get('protocol') : 'tcp';
  const port = protocol === 'icmp' ? '' : (params.get('port') || '').trim();
  return { from, to, protocol, port };
}

export function flowWords(f) {
  return `${f.from} → ${f.to} · ${f.protocol}${f.port ? ` port ${f.port}` : ''}`;
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** The console's path for a flow: an existing one with exactly this flow, else a new one. */
async function pathFor(api, flow) {
  const toIp = isAddress(flow.to);
  const paths = await api.all('DescribeNetworkInsightsPaths', filters({ source: [flow.from], protocol: [flow.protocol] }), (r) => r.networkInsightsPathSet);
  const same = paths.find(
    (p) =>
      (toIp ? !p.destination && p.destinationIp === flow.to : p.destination === flow.to) &&
      (p.destinationPort ?? '') === (flow.port ?? '') &&
      !p.sourceIp &&
      !p.filterAtSource &&
      !p.filterAtDestination,
  );
  if (same) return same;
  const params = {
    Source: flow.from,
    Protocol: flow.protocol,
    'TagSpecification.1.ResourceType': 'network-insights-path',
    'TagSpecification.1.Tag.1.Key': 'created-by',
    'TagSpecification.1.Tag.1.Value': 'openvpc console',
  };
  if (toIp) params.DestinationIp = flow.to;
  else params.Destination = flow.to;
  if (flow.port) params.DestinationPort = flow.port;
  return (await api.call('CreateNetworkInsightsPath', params)).networkInsightsPath;
}

/** Runs one analysis of a flow; resolves to `{ flow, path, analysis, words }`. */
export async function analyse(api, flow) {
  const path = await pathFor(api, flow);
  const started = await api.call('StartNetworkInsightsAnalysis', { NetworkInsightsPathId: path.networkInsightsPathId });
  const id = started.networkInsightsAnalysis.networkInsightsAnalysisId;
  // AWS runs analyses asynchronously: read until it is no longer running.
  let analysis = started.networkInsightsAnalysis;
  for (let i = 0; analysis.status === 'running'; i++) {
    if (i > 0) await wait(Math.min(2000, 200 * i));
    if (i > 200) throw new Error(`analysis ${id} is still running`);
    const r = await api.call('DescribeNetworkInsightsAnalyses', { 'NetworkInsightsAnalysisId.1': id });
    analysis = arr(r.networkInsightsAnalysisSet)[0] ?? { status: 'failed', statusMessage: 'gone' };
  }
  let words = [];
  try {
    words = await api.explanations(id);
  } catch {
    // A server without the extension: the codes, components and rules still tell it.
  }
  return { flow, path, analysis, words };
}

// --- Reading an analysis ----------------------------------------------------------------

const PROTO = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };

/** A hop's packet in words: `tcp 10.0.1.4:49152 → 10.1.1.4:443`. */
export function packetWords(hop) {
  const hd = hop.outboundHeader || hop.inboundHeader;
  if (!hd) return '';
  const proto = PROTO[hd.protocol] ?? hd.protocol;
  const src = arr(hd.sourceAddressSet)[0] ?? '?';
  const dst = arr(hd.destinationAddressSet)[0] ?? '?';
  const sp = arr(hd.sourcePortRangeSet)[0]?.from;
  const dp = arr(hd.destinationPortRangeSet)[0]?.from;
  if (proto === 'tcp' || proto === 'udp') return `${proto} ${src}:${sp ?? '*'} → ${dst}:${dp ?? '*'}`;
  return `${proto} ${src} → ${dst}`;
}

/** The verdicts, each with its word, symbol and class (as `openvpc reach` and `matrix`). */
export const VERDICTS = {
  reachable: { outcome: 'reachable', word: 'reachable', symbol: '✓', cls: 'ok', reachable: true },
  blocked: { outcome: 'blocked', word: 'not reachable', symbol: '✗', cls: 'blocked', reachable: false },
  unknown: { outcome: 'unknown', word: 'unknown', symbol: '?', cls: 'unknown', reachable: null },
  failed: { outcome: 'failed', word: 'analysis failed', symbol: '✗', cls: 'failed', reachable: null },
};

/**
 * What an analysis comes to. No path and every explanation one of [`UNKNOWN_CODES`] (a
 * component the engine does not model, or data missing from an import): "unknown" — the
 * engine's `Verdict::outcome` rule, the one place the page decides it.
 */
export function verdictOf(result) {
  const a = result.analysis;
  if (a.status !== 'succeeded') return VERDICTS.failed;
  if (a.networkPathFound === 'true') return VERDICTS.reachable;
  const codes = arr(a.explanationSet).map((e) => e.explanationCode);
  return codes.length && codes.every((c) => UNKNOWN_CODES.has(c)) ? VERDICTS.unknown : VERDICTS.blocked;
}

/** The component an explanation is about (the most specific one it names). */
export function blockerOf(e) {
  return (
    e.component?.id ||
    e.securityGroup?.id ||
    e.acl?.id ||
    e.routeTable?.id ||
    e.vpcPeeringConnection?.id ||
    e.networkInterface?.id ||
    e.vpcEndpoint?.id ||
    e.subnet?.id ||
    e.vpc?.id ||
    e.missingComponent ||
    ''
  );
}

// --- The panel ----------------------------------------------------------------------------

function idButton(id, onPick) {
  return h('button', { type: 'button', class: 'id', 'data-pick': id, onclick: () => onPick(id) }, shortId(id));
}

function hopList(title, hops, onPick, cls, label) {
  if (!hops.length) return null;
  return h(
    'section',
    { class: `hops ${cls}` },
    h('h3', {}, title),
    h(
      'ol',
      {},
      hops.map((hop) => {
        const id = hop.component?.id;
        const rule = ruleWords(hop);
        return h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'hop', 'data-hop': hop.sequenceNumber, 'data-id': id, onclick: () => onPick(id) },
            h('span', { class: 'seq' }, hop.sequenceNumber),
            h('span', { class: 'mono' }, shortId(id)),
            h('span', { class: 'kind' }, label(id)),
          ),
          h('div', { class: 'packet mono' }, packetWords(hop)),
          rule ? h('div', { class: 'rule' }, rule) : null,
        );
      }),
    ),
  );
}

/** The analysis in words, into `el`. `onPick(id)`: a component was chosen; `label(id)`:
 * what a component is, in words (the page knows more than an id's prefix says). */
export function renderResult(el, result, { onPick, link, label = kindWords }) {
  const v = verdictOf(result);
  const a = result.analysis;
  const forward = arr(a.forwardPathComponentSet);
  const back = arr(a.returnPathComponentSet);
  const explanations = arr(a.explanationSet);
  fill(
    el,
    h(
      'section',
      { class: `verdict ${v.cls}`, 'aria-live': 'polite' },
      h('p', { class: 'verdict-word', 'data-verdict': v.word }, h('span', { 'aria-hidden': 'true' }, `${v.symbol} `), v.word),
      h('p', { class: 'flow mono' }, flowWords(result.flow)),
      h(
        'p',
        { class: 'meta' },
        'analysis ',
        h('span', { class: 'mono' }, a.networkInsightsAnalysisId),
        ' of path ',
        h('span', { class: 'mono' }, result.path.networkInsightsPathId),
        ' · ',
        h('a', { href: link, class: 'deep-link' }, 'link to this trace'),
      ),
      a.status !== 'succeeded' ? h('p', {}, a.statusMessage || a.status) : null,
    ),
    explanations.length
      ? h(
          'section',
          { class: 'blockers' },
          h('h3', {}, `${v.outcome === 'unknown' ? 'What the analysis cannot decide past' : 'What blocks it'}${explanations.length === 1 ? '' : ` (${explanations.length})`}`),
          h(
            'ol',
            {},
            explanations.map((e, i) => {
              const words = result.words[i];
              const where = blockerOf(e);
              const rule = ruleWords(e);
              return h(
                'li',
                { class: 'blocker', 'data-code': e.explanationCode },
                h('p', {}, h('code', { class: 'code' }, e.explanationCode)),
                h('p', { class: 'meaning' }, meaning(e.explanationCode)),
                h(
                  'p',
                  {},
                  'at ',
                  where ? idButton(where, onPick) : '?',
                  ` (${label(where)})`,
                  words?.direction ? `, ${words.direction} path` : '',
                ),
                rule ? h('p', { class: 'rule' }, rule) : null,
                words?.message ? h('p', { class: 'fix' }, h('strong', {}, 'What to change: '), words.message) : null,
              );
            }),
          ),
        )
      : null,
    hopList(v.reachable ? 'Forward path' : 'Forward path (as far as it was walked)', forward, onPick, 'forward', label),
    hopList(v.reachable ? 'Return path' : 'Return path (as far as it was walked)', back, onPick, 'return', label),
  );
}

// --- The drawing ----------------------------------------------------------------------------

function centre(n) {
  return [n.x + n.w / 2, n.y + n.h / 2];
}

/** Where an analysis component is on the drawing: its own box or chip, the item that stands
 * for it (an instance for its interface), a transit gateway's hub for its route tables,
 * its subnet or VPC, a link's middle (peerings),
 * or the service box for what lies beyond an endpoint. */
function anchorOf(id, hop, { layout, model, visible }, { serviceKey, neighbour, pathSubnets = new Set() } = {}) {
  const node = (i) => {
    const keys = i && visible.get(i);
    return keys ? layout.nodes.get(keys[0]) : null;
  };
  if (!id) return null;
  const kind = kindOfId(id);
  if (kind === 'pcx') {
    const link = layout.links.find((l) => l.id === id);
    if (link) return { x: link.mid[0], y: link.mid[1], w: 0, h: 0 };
  }
  if (kind === 'svc' || kind === 'service') {
    const key = [...layout.nodes.keys()].find((k) => k.startsWith('svc:') && k.endsWith(id));
    if (key) return layout.nodes.get(key);
  }
  // A transit gateway's route table (and a route in it) acts at its gateway's hub.
  if (kind === 'tgwRtb') {
    const hub = node(model.get(id)?.raw.transitGatewayId ?? hop?.transitGateway?.id);
    if (hub) return hub;
  }
  if (kind === 'listener') return node(id.replace(':listener/', ':loadbalancer/').replace(/\/[^/]+$/, '')) ?? (serviceKey ? layout.nodes.get(serviceKey) : null);
  const direct = node(id) ?? node(model.owner(id)?.id);
  if (direct) return direct;
  if (kind === 'sg' && neighbour) {
    // A security group acts at the interface next to it on the path.
    const n = node(neighbour) ?? node(model.owner(neighbour)?.id);
    if (n) return n;
  }
  if (kind === 'acl') {
    // A network ACL acts at the border of the subnet it guards: the one on this path.
    const guarded = arr(model.get(id)?.raw.associationSet).map((a) => a.subnetId);
    const here = guarded.find((sid) => pathSubnets.has(sid)) ?? guarded[0];
    const n = node(hop?.subnet?.id) ?? node(here);
    if (n) return n;
  }
  return node(hop?.subnet?.id) ?? node(hop?.vpc?.id) ?? node(model.get(id)?.vpc) ?? (serviceKey ? layout.nodes.get(serviceKey) : null);
}

function marker(id, cls) {
  return s(
    'marker',
    { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', class: cls },
    s('path', { d: 'M0,0 L10,5 L0,10 z' }),
  );
}

/**
 * Draws an analysis on the topology: the forward path (solid) and the return path (dashed)
 * through the boxes of its hops, numbered, and a mark with its code at each blocker.
 * Returns the ids on the path (for highlighting).
 */
export function drawTrace(layer, result, ctx) {
  layer.replaceChildren(s('defs', {}, marker('arrow-forward', 'forward'), marker('arrow-return', 'return')));
  const a = result.analysis;
  const hops = [...arr(a.forwardPathComponentSet), ...arr(a.returnPathComponentSet)];
  const svcHop = hops.find((hop) => kindOfId(hop.component?.id) === 'svc');
  const serviceKey = svcHop ? [...ctx.layout.nodes.keys()].find((k) => k.startsWith('svc:') && k.endsWith(svcHop.component.id)) : null;
  const ids = new Set();
  const numbers = new Map();
  const pathSubnets = new Set(hops.map((hop) => hop.subnet?.id).filter(Boolean));

  const walk = (list, cls, offset) => {
    const points = [];
    let last = null;
    list.forEach((hop, i) => {
      const id = hop.component?.id;
      ids.add(id);
      // The interface next to a security group: before it going out, after it coming in.
      const near = [list[i - 1], list[i + 1]].map((x) => x?.component?.id).find((x) => kindOfId(x) === 'eni');
      const n = anchorOf(id, hop, ctx, { serviceKey, neighbour: near, pathSubnets });
      if (!n) return;
      if (n !== last) {
        const [x, y] = centre(n);
        points.push([x + offset, y + offset]);
        last = n;
      }
      if (!numbers.has(n)) numbers.set(n, []);
      numbers.get(n).push(`${cls === 'return' ? 'r' : ''}${hop.sequenceNumber}`);
    });
    if (points.length > 1) {
      layer.append(
        s('polyline', {
          class: `path ${cls}`,
          points: points.map((p) => p.join(',')).join(' '),
          'marker-end': `url(#arrow-${cls})`,
        }),
      );
    }
  };
  walk(arr(a.forwardPathComponentSet), 'forward', 0);
  walk(arr(a.returnPathComponentSet), 'return', 6);

  for (const [n, list] of numbers) {
    const text = list.length > 3 ? `${list[0]}–${list[list.length - 1]}` : list.join(',');
    const [x] = centre(n);
    const w = text.length * 6.5 + 10;
    layer.append(
      s('g', { class: 'hop-mark' }, s('rect', { x: x - w / 2, y: n.y - 9, width: w, height: 18, rx: 9 }), s('text', { x, y: n.y + 4, 'text-anchor': 'middle' }, text)),
    );
  }
  for (const e of arr(a.explanationSet)) {
    const id = blockerOf(e);
    ids.add(id);
    const n = anchorOf(id, e, ctx, { serviceKey, neighbour: e.networkInterface?.id, pathSubnets });
    if (!n) continue;
    const [x, y] = centre(n);
    const w = e.explanationCode.length * 7.4 + 36;
    // Under a box; above a point (a peering's middle, where its label is).
    const top = n.h ? n.y + n.h - 4 : y - 36;
    layer.append(
      s(
        'g',
        { class: 'blocker-mark', 'data-code': e.explanationCode },
        s('rect', { x: x - w / 2, y: top, width: w, height: 22, rx: 4 }),
        s('text', { x, y: top + 15, 'text-anchor': 'middle' }, `✗ ${e.explanationCode}`),
      ),
    );
  }
  return ids;
}
