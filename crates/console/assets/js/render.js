// Draws a layout as SVG: boxes and chips that show their ids, links coloured by state
// and labelled in words, every element focusable and named for screen readers. The trace
// overlay is drawn by trace.js into the `trace` layer.

import { labelBox } from './layout.js';
import { stateWords } from './scene.js';
import { clear, fit, s } from './ui.js';

const TITLE_PX = 7.4; // about one character of the 13px title font
const MONO_PX = 6.7; // one character of the 11px monospace font

function words(n) {
  return [n.title, ...(n.lines ?? []).filter(Boolean), n.collapsed ? n.summary : null, n.state ? stateWords(n.state) : null]
    .filter(Boolean)
    .join(', ');
}

function badge(n, x, y) {
  const w = Math.max(26, n.badge.length * 7 + 10);
  return s('g', { class: `badge kind-${n.kind}` }, s('rect', { x, y, width: w, height: 16, rx: 3 }), s('text', { x: x + w / 2, y: y + 12, 'text-anchor': 'middle' }, n.badge));
}

function boxNode(n, onToggle) {
  const g = s('g', {
    class: `node box kind-${n.kind}${n.collapsed ? ' collapsed' : ''}${n.external ? ' external' : ''}${n.state ? ` state-${n.state}` : ''}`,
    'data-id': n.id,
    'data-key': n.key,
    tabindex: 0,
    role: 'button',
    'aria-label': `${n.kind === 'external' ? 'peer VPC' : n.kind === 'vpc' ? 'VPC' : n.kind === 'subnet' ? 'subnet' : n.kind === 'svc' || n.kind === 'service' ? 'service' : n.kind === 'tgw' ? 'transit gateway' : n.kind}: ${words(n)}`,
  });
  g.append(s('rect', { class: 'frame', x: n.x, y: n.y, width: n.w, height: n.h, rx: n.kind === 'subnet' ? 4 : 8 }));
  const bw = Math.max(26, (n.badge ?? '').length * 7 + 10);
  if (n.badge) g.append(badge(n, n.x + 10, n.y + 9));
  const room = n.w - 24 - bw - (n.kind === 'vpc' ? 28 : 0);
  g.append(s('text', { class: 'title', x: n.x + 16 + bw, y: n.y + 22 }, fit(n.title, room, TITLE_PX)));
  (n.lines ?? []).forEach((line, i) => {
    g.append(s('text', { class: 'mono', x: n.x + 10, y: n.y + 40 + i * 15 }, fit(line, n.w - 20, MONO_PX)));
  });
  if (n.collapsed) g.append(s('text', { class: 'summary', x: n.x + 10, y: n.y + 40 + (n.lines?.length ?? 0) * 15 }, fit(n.summary, n.w - 20, 6.4)));
  if (n.kind === 'vpc') {
    const t = s('g', {
      class: 'toggle',
      'data-toggle': n.id,
      tabindex: 0,
      role: 'button',
      'aria-label': `${n.collapsed ? 'Expand' : 'Collapse'} ${n.id}`,
      'aria-expanded': String(!n.collapsed),
    });
    t.append(s('rect', { x: n.x + n.w - 30, y: n.y + 6, width: 22, height: 22, rx: 4 }));
    t.append(s('text', { x: n.x + n.w - 19, y: n.y + 22, 'text-anchor': 'middle' }, n.collapsed ? '+' : '−'));
    t.addEventListener('click', (e) => {
      e.stopPropagation();
      onToggle(n.id);
    });
    t.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        e.stopPropagation();
        onToggle(n.id);
      }
    });
    g.append(t);
  }
  return g;
}

function chipNode(n) {
  const g = s('g', {
    class: `node chip kind-${n.kind}${n.state ? ` state-${n.state}` : ''}`,
    'data-id': n.id,
    'data-key': n.key,
    tabindex: 0,
    role: 'button',
    'aria-label': `${n.title}: ${words({ ...n, title: '' })}`,
  });
  g.append(s('rect', { class: 'frame', x: n.x, y: n.y, width: n.w, height: n.h, rx: 5 }));
  g.append(badge(n, n.x + 6, n.y + 4));
  const bw = Math.max(26, n.badge.length * 7 + 10);
  g.append(s('text', { class: 'chip-title', x: n.x + 12 + bw, y: n.y + 16 }, fit(n.title, n.w - 18 - bw, 6.6)));
  g.append(s('text', { class: 'mono', x: n.x + 6, y: n.y + 33 }, fit(n.lines.join('  '), n.w - 12, MONO_PX)));
  return g;
}

function decoration(n) {
  if (n.kind === 'zone') {
    return s('text', { class: 'zone', x: n.x + 2, y: n.y + 15 }, fit(`${n.title}${n.lines?.[0] ? ` · ${n.lines[0]}` : ''}`, n.w, 6.6));
  }
  return s('text', { class: 'heading', x: n.x, y: n.y + 18 }, n.title);
}

function linkPath(path) {
  const p = path.points;
  if (path.type === 'quad') return `M${p[0][0]},${p[0][1]} Q${p[1][0]},${p[1][1]} ${p[2][0]},${p[2][1]}`;
  return p.map(([x, y], i) => `${i ? 'L' : 'M'}${x},${y}`).join(' ');
}

function linkElement(l, nodes) {
  const from = nodes.get(l.from);
  const to = nodes.get(l.to);
  const what = { pcx: 'peering connection', tgw: 'transit gateway attachment', 'tgw-peering': 'transit gateway peering attachment', endpoint: 'endpoint to its service' }[l.kind] ?? 'service to its load balancer';
  const named = l.kind === 'pcx' || l.kind === 'tgw' || l.kind === 'tgw-peering';
  const g = s('g', {
    class: `link kind-${l.kind}${l.state ? ` state-${l.state}` : ''}`,
    'data-id': l.id,
    'data-key': l.key,
    tabindex: named ? 0 : -1,
    role: 'button',
    'aria-label': `${what} ${named ? l.id : ''} between ${from?.id} and ${to?.id}${l.state ? `: ${stateWords(l.state)}` : ''}`,
  });
  g.append(s('path', { class: 'hit', d: linkPath(l.path) }));
  g.append(s('path', { class: 'line', d: linkPath(l.path) }));
  return g;
}

function linkLabel(l) {
  if (!l.label) return null;
  const box = labelBox(l);
  return s(
    'g',
    { class: `link-label kind-${l.kind}${l.state ? ` state-${l.state}` : ''}`, 'data-id': l.id, 'data-key': l.key, 'aria-hidden': 'true' },
    s('rect', { x: box.x, y: box.y, width: box.w, height: box.h, rx: 9 }),
    s('text', { x: l.mid[0], y: l.mid[1] + 4, 'text-anchor': 'middle' }, l.label),
  );
}

/**
 * Draws `layout` into `svg` (replacing what was there). `showLink(link)` says which links
 * to draw (all of them, unless a large account hides most peerings until a VPC is chosen).
 * Returns the index of drawn elements: `byId` (resource id → elements), `byKey`.
 */
export function renderTopology(svg, layout, { onToggle, showLink = () => true }) {
  clear(svg);
  const title = s('title', { id: 'topology-title' }, 'Topology');
  const linksLayer = s('g', { class: 'links' });
  const nodesLayer = s('g', { class: 'nodes' });
  const labelsLayer = s('g', { class: 'labels' });
  const traceLayer = s('g', { class: 'trace', 'aria-hidden': 'true' });
  svg.append(title, linksLayer, nodesLayer, labelsLayer, traceLayer);
  const byId = new Map();
  const byKey = new Map();
  const note = (id, key, el) => {
    if (!byId.has(id)) byId.set(id, []);
    byId.get(id).push(el);
    byKey.set(key, el);
  };

  // Parents before children, so that children are drawn on top.
  const depth = (n) => {
    let d = 0;
    for (let p = n.parent; p; p = layout.nodes.get(p)?.parent) d++;
    return d;
  };
  const nodes = [...layout.nodes.values()].sort((a, b) => depth(a) - depth(b));
  const fragment = document.createDocumentFragment();
  for (const n of nodes) {
    if (n.decoration) {
      fragment.append(decoration(n));
      continue;
    }
    const el = n.chip ? chipNode(n) : boxNode(n, onToggle);
    note(n.id, n.key, el);
    fragment.append(el);
  }
  nodesLayer.append(fragment);

  const linkFragment = document.createDocumentFragment();
  const labelFragment = document.createDocumentFragment();
  let hidden = 0;
  for (const l of layout.links) {
    if (!showLink(l)) {
      hidden++;
      continue;
    }
    const el = linkElement(l, layout.nodes);
    note(l.id, l.key, el);
    linkFragment.append(el);
    const label = linkLabel(l);
    if (label) labelFragment.append(label);
  }
  linksLayer.append(linkFragment);
  labelsLayer.append(labelFragment);
  return { byId, byKey, traceLayer, hiddenLinks: hidden };
}
