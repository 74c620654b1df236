// Where everything goes: a pure function from a scene (see scene.js) to boxes and lines,
// with no DOM, so it is unit-tested in Node.
//
// A VPC is a box: its name, id and CIDRs on top, then its gateways (the top edge), then one
// column per Availability Zone with the zone's subnets stacked, each subnet holding its
// chips (instances, interfaces, endpoints, load balancers, NAT gateways), then its route
// tables (the bottom edge). A collapsed VPC is a small box of fixed size. Top-level boxes
// (VPCs and peer VPCs seen through a peering) are ordered so that peers sit side by side
// (a hub between its spokes, a chain in its order) and packed into rows of about the
// same width; a transit gateway is a hub box among the VPCs attached to it; services
// (PrivateLink, AWS services behind endpoints) fill the rows below.

export const SIZE = {
  chipW: 214,
  chipH: 40,
  gap: 8,
  pad: 10,
  subnetHead: 62,
  zoneHead: 24,
  vpcHead: 62,
  minInner: 280,
  collapsedW: 250,
  collapsedH: 80,
  serviceW: 270,
  serviceH: 62,
  rowGap: 110,
  colGap: 80,
  margin: 40,
  servicesHead: 40,
};

function chipRows(count, innerW) {
  const perRow = Math.max(1, Math.floor((innerW + SIZE.gap) / (SIZE.chipW + SIZE.gap)));
  return { perRow, rows: Math.ceil(count / perRow) };
}

/** Size of a subnet box holding `n` chips. */
export function subnetHeight(n) {
  return SIZE.subnetHead + (n > 0 ? n * (SIZE.chipH + SIZE.gap) - SIZE.gap : 0) + SIZE.pad;
}

/** Lays out one VPC at (0, 0): returns its size and its children's relative boxes. */
export function layoutVpc(vpc) {
  if (vpc.collapsed) return { w: SIZE.collapsedW, h: SIZE.collapsedH, children: [] };
  const { chipW, chipH, gap, pad } = SIZE;
  const subnetW = chipW + 2 * pad;
  const zones = vpc.zones ?? [];
  const zonesW = zones.length ? zones.length * (subnetW + gap) - gap : 0;
  const inner = Math.max(SIZE.minInner, zonesW);
  const children = [];
  let y = SIZE.vpcHead;

  const placeRow = (chips, parent) => {
    if (!chips.length) return;
    const { perRow, rows } = chipRows(chips.length, inner);
    chips.forEach((c, i) => {
      children.push({
        ...c,
        parent,
        chip: true,
        x: pad + (i % perRow) * (chipW + gap),
        y: y + Math.floor(i / perRow) * (chipH + gap),
        w: chipW,
        h: chipH,
      });
    });
    y += rows * (chipH + gap);
  };

  placeRow(vpc.edge ?? [], vpc.key);
  let zonesBottom = y;
  zones.forEach((zone, zi) => {
    const x = pad + zi * (subnetW + gap);
    children.push({ key: `${vpc.key}#zone:${zone.name}`, kind: 'zone', title: zone.name, lines: [zone.sub ?? ''], parent: vpc.key, x, y, w: subnetW, h: SIZE.zoneHead, decoration: true });
    let sy = y + SIZE.zoneHead;
    for (const s of zone.subnets) {
      const chips = s.chips ?? [];
      const h = subnetHeight(chips.length);
      children.push({ ...s, parent: vpc.key, x, y: sy, w: subnetW, h });
      chips.forEach((c, i) => {
        children.push({ ...c, parent: s.key, chip: true, x: x + pad, y: sy + SIZE.subnetHead + i * (chipH + gap), w: chipW, h: chipH });
      });
      sy += h + gap;
    }
    zonesBottom = Math.max(zonesBottom, sy);
  });
  y = zonesBottom;
  placeRow(vpc.footer ?? [], vpc.key);
  return { w: inner + 2 * pad, h: y + pad, children };
}

/** Orders the boxes of one connected component: a hub between its spokes, a chain in
 * its order (breadth first, each new box on the free side of its neighbour). */
function arrange(start, adjacency) {
  const list = [start];
  const placed = new Set([start]);
  const queue = [start];
  while (queue.length) {
    const u = queue.shift();
    const next = [...(adjacency.get(u) ?? [])].filter((v) => !placed.has(v));
    next.sort((a, b) => (adjacency.get(b)?.size ?? 0) - (adjacency.get(a)?.size ?? 0));
    const near = adjacency.get(u);
    next.forEach((v, i) => {
      const pos = list.indexOf(u);
      const atRight = pos === list.length - 1;
      const atLeft = pos === 0;
      const right = atRight && !atLeft ? true : atLeft && !atRight ? false : i % 2 === 0;
      // Beside u, past the neighbours of u already on that side (they stay next to it).
      let at = pos;
      if (right) {
        while (at + 1 < list.length && near.has(list[at + 1])) at++;
        list.splice(at + 1, 0, v);
      } else {
        while (at - 1 >= 0 && near.has(list[at - 1])) at--;
        list.splice(at, 0, v);
      }
      placed.add(v);
      queue.push(v);
    });
  }
  return list;
}

/** The order of top-level boxes: connected components by size, each arranged. */
export function orderBoxes(keys, links) {
  const known = new Set(keys);
  const adjacency = new Map(keys.map((k) => [k, new Set()]));
  for (const l of links) {
    if (known.has(l.from) && known.has(l.to) && l.from !== l.to) {
      adjacency.get(l.from).add(l.to);
      adjacency.get(l.to).add(l.from);
    }
  }
  const index = new Map(keys.map((k, i) => [k, i]));
  const seen = new Set();
  const components = [];
  for (const k of keys) {
    if (seen.has(k)) continue;
    const members = [];
    const stack = [k];
    seen.add(k);
    while (stack.length) {
      const u = stack.pop();
      members.push(u);
      for (const v of adjacency.get(u)) {
        if (!seen.has(v)) {
          seen.add(v);
          stack.push(v);
        }
      }
    }
    const hub = members.reduce((best, m) => {
      const d = adjacency.get(m).size - adjacency.get(best).size;
      return d > 0 || (d === 0 && index.get(m) < index.get(best)) ? m : best;
    });
    components.push(arrange(hub, adjacency));
  }
  components.sort((a, b) => b.length - a.length || index.get(a[0]) - index.get(b[0]));
  return components.flat();
}

/** Packs boxes in order into rows no wider than `width`; returns positions and row ids. */
function pack(boxes, width, top) {
  let x = SIZE.margin;
  let y = top;
  let rowH = 0;
  let row = 0;
  let col = 0;
  for (const b of boxes) {
    if (x > SIZE.margin && x + b.w > width + SIZE.margin) {
      x = SIZE.margin;
      y += rowH + SIZE.rowGap;
      rowH = 0;
      row++;
      col = 0;
    }
    Object.assign(b, { x, y, row, col });
    x += b.w + SIZE.colGap;
    rowH = Math.max(rowH, b.h);
    col++;
  }
  return { bottom: boxes.length ? y + rowH : top, right: Math.max(SIZE.margin, ...boxes.map((b) => b.x + b.w)) };
}

const center = (n) => [n.x + n.w / 2, n.y + n.h / 2];

/** The line of a link between two nodes (`a`, `b` absolute boxes; `top` their top-level
 * boxes), the `k`-th between the same pair. */
/** Whether a link joins two top-level boxes of one row (it is then an arc above it). */
function sameRow(a, b, topA, topB) {
  return topA && topB && topA !== topB && topA.y === topB.y && topA.row === topB.row && a === topA && b === topB;
}

function route(a, b, topA, topB, k, feet) {
  const [ax, ay] = center(a);
  const [bx, by] = center(b);
  if (sameRow(a, b, topA, topB)) {
    // Boxes of one row: an arc above the row, clear of the boxes in between, its label in
    // the free space between the rows; its feet spread along each box's top edge.
    const [left, right] = topA.x < topB.x ? [topA, topB] : [topB, topA];
    const top = left.y;
    const x1 = feet.get(left);
    const x2 = feet.get(right);
    const lift = Math.min(SIZE.rowGap * 1.6, 50 + 0.05 * (x2 - x1)) + k * 22;
    return { type: 'quad', points: [[x1, top], [(x1 + x2) / 2, top - lift], [x2, top]] };
  }
  // Otherwise from the border of one to the border of the other, towards each other.
  const clip = (n, tx, ty) => {
    const [cx, cy] = center(n);
    const dx = tx - cx;
    const dy = ty - cy;
    if (dx === 0 && dy === 0) return [cx, cy];
    const s = Math.min(dx ? n.w / 2 / Math.abs(dx) : Infinity, dy ? n.h / 2 / Math.abs(dy) : Infinity);
    return [cx + dx * s, cy + dy * s];
  };
  const off = k * 10;
  return { type: 'line', points: [clip(a, bx + off, by), clip(b, ax + off, ay)] };
}

/** A point halfway along a routed link (where its label goes). */
export function midpoint(path) {
  const p = path.points;
  if (path.type === 'quad') return [(p[0][0] + 2 * p[1][0] + p[2][0]) / 4, (p[0][1] + 2 * p[1][1] + p[2][1]) / 4];
  return [(p[0][0] + p[p.length - 1][0]) / 2, (p[0][1] + p[p.length - 1][1]) / 2];
}

/** The box of a link's label (as render.js draws it: 6.4 units a character). */
export function labelBox(l) {
  const w = l.label.length * 6.4 + 12;
  return { x: l.mid[0] - w / 2, y: l.mid[1] - 9, w, h: 18 };
}

/** Moves labels that would cover one another up (away from the rows' boxes), a few
 * steps at most: each stays near its own line. */
function separateLabels(links) {
  const placed = [];
  const hit = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  for (const l of links.filter((x) => x.label).sort((a, b) => a.mid[1] - b.mid[1] || a.mid[0] - b.mid[0])) {
    for (let step = 0; step < 8 && placed.some((p) => hit(p, labelBox(l))); step++) {
      l.mid = [l.mid[0], l.mid[1] - 20];
    }
    placed.push(labelBox(l));
  }
}

/**
 * Lays out a scene: `{ vpcs, externals, services, links }` (see scene.js); with
 * `fixedOrder`, top-level boxes keep the scene's order instead of following the peerings
 * (a large account, whose peerings are read a VPC at a time). Returns
 * `{ nodes: Map key → node, top: [keys in order], links, width, height }`; a node is
 * `{ key, id, kind, x, y, w, h, parent, ... }` in absolute coordinates.
 */
export function layoutScene(scene, { fixedOrder = false } = {}) {
  const nodes = new Map();
  const tops = [];
  const inner = new Map();
  for (const v of scene.vpcs) {
    const l = layoutVpc(v);
    const box = { ...v, parent: null, w: l.w, h: l.h };
    inner.set(v.key, l.children);
    tops.push(box);
  }
  for (const e of scene.externals ?? []) tops.push({ ...e, parent: null, w: SIZE.collapsedW, h: SIZE.collapsedH });
  const byKey = new Map(tops.map((t) => [t.key, t]));
  // A large account's peerings are read as VPCs are chosen: its boxes keep their order.
  const order = fixedOrder ? tops.map((t) => t.key) : orderBoxes(tops.map((t) => t.key), scene.links ?? []);
  const peered = fixedOrder ? new Set(order) : new Set((scene.links ?? []).filter((l) => l.kind === 'pcx' || l.kind === 'tgw').flatMap((l) => [l.from, l.to]));
  // Peered boxes first, then the services their endpoints use, then the boxes on their own
  // (a default VPC, say): lines from endpoints to services then cross no box of their own.
  const connected = order.filter((k) => peered.has(k)).map((k) => byKey.get(k));
  const alone = order.filter((k) => !peered.has(k)).map((k) => byKey.get(k));
  const services = (scene.services ?? []).map((s) => ({ ...s, parent: null, w: SIZE.serviceW, h: SIZE.serviceH }));

  const all = [...connected, ...alone, ...services];
  const area = all.reduce((s, b) => s + (b.w + SIZE.colGap) * (b.h + SIZE.rowGap), 0);
  const widest = Math.max(0, ...all.map((b) => b.w));
  // A few peered boxes stay on one row (their links are then arcs above it).
  const oneRow = connected.reduce((s, b) => s + b.w + SIZE.colGap, -SIZE.colGap);
  const width = Math.max(widest, 1100, Math.sqrt(area) * 1.5, connected.length <= 12 && oneRow <= 3200 ? oneRow : 0);
  let bottom = SIZE.margin + SIZE.rowGap * 0.9 - SIZE.rowGap;
  let right = SIZE.margin;
  const group = (boxes, heading) => {
    if (!boxes.length) return;
    let top = bottom + SIZE.rowGap;
    if (heading) {
      nodes.set(heading.key, { ...heading, x: SIZE.margin, y: top, w: 200, h: 24, parent: null, decoration: true });
      top += SIZE.servicesHead;
    }
    const p = pack(boxes, width, top);
    bottom = p.bottom;
    right = Math.max(right, p.right);
  };
  group(connected);
  group(services, { key: '#services', kind: 'heading', title: 'Services' });
  group(alone);
  for (const b of [...connected, ...alone]) {
    nodes.set(b.key, b);
    for (const c of inner.get(b.key) ?? []) nodes.set(c.key, { ...c, x: b.x + c.x, y: b.y + c.y });
  }
  services.forEach((s) => nodes.set(s.key, s));

  const topOf = (n) => {
    let t = n;
    while (t && t.parent) t = nodes.get(t.parent);
    return t;
  };
  // Where arcs leave each box: spread over the middle of its top edge, in the order of
  // where they go (leftmost destination first), so that they do not all meet at one point.
  const ends = new Map();
  const live = (scene.links ?? []).filter((l) => nodes.has(l.from) && nodes.has(l.to));
  live.forEach((l, i) => {
    const a = nodes.get(l.from);
    const b = nodes.get(l.to);
    if (!sameRow(a, b, topOf(a), topOf(b))) return;
    for (const [box, other] of [[a, b], [b, a]]) {
      if (!ends.has(box)) ends.set(box, []);
      ends.get(box).push({ i, x: other.x + other.w / 2 });
    }
  });
  const feet = new Map(); // link index -> Map box -> x
  for (const [box, list] of ends) {
    list.sort((p, q) => p.x - q.x || p.i - q.i);
    list.forEach(({ i }, n) => {
      if (!feet.has(i)) feet.set(i, new Map());
      feet.get(i).set(box, box.x + box.w * (0.2 + (0.6 * (n + 0.5)) / list.length));
    });
  }
  const pairs = new Map();
  const links = [];
  live.forEach((l, i) => {
    const a = nodes.get(l.from);
    const b = nodes.get(l.to);
    const pair = [l.from, l.to].sort().join('|');
    const k = pairs.get(pair) ?? 0;
    pairs.set(pair, k + 1);
    const path = route(a, b, topOf(a), topOf(b), k, feet.get(i));
    links.push({ ...l, path, mid: midpoint(path) });
  });
  separateLabels(links);
  return {
    nodes,
    top: [...connected, ...alone].map((b) => b.key),
    links,
    width: right + SIZE.margin,
    height: bottom + SIZE.margin,
  };
}
