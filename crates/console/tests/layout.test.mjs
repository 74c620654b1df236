// The topology layout: what goes where, for the seed's world and for 1,000 VPCs.
//
// Run: node --test crates/console/tests/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { labelBox, layoutScene, layoutVpc, orderBoxes, SIZE } from '../assets/js/layout.js';
import { Model } from '../assets/js/model.js';
import { buildScene } from '../assets/js/scene.js';
import { tablesOf, tgwRouteRows } from '../assets/js/tgw.js';

const ME = '111111111111';
const tags = (name) => (name ? [{ key: 'Name', value: name }] : []);

function vpc(m, id, cidr, name) {
  m.add('vpc', { vpcId: id, cidrBlock: cidr, cidrBlockAssociationSet: [{ cidrBlock: cidr, cidrBlockState: { state: 'associated' } }], state: 'available', isDefault: 'false', tagSet: tags(name) });
}
function subnet(m, id, vpcId, cidr, zone) {
  m.add('subnet', { subnetId: id, vpcId, cidrBlock: cidr, availabilityZone: zone, availabilityZoneId: `use1-${zone.slice(-1)}`, state: 'available', tagSet: [] });
}
function instance(m, id, vpcId, subnetId, ip) {
  m.add('instance', { instanceId: id, vpcId, subnetId, privateIpAddress: ip, instanceState: { name: 'running' }, tagSet: [] });
}
function peering(m, id, a, b, state, other = {}) {
  m.add('pcx', {
    vpcPeeringConnectionId: id,
    requesterVpcInfo: { vpcId: a, ownerId: ME, region: 'us-east-1', cidrBlock: '' },
    accepterVpcInfo: { vpcId: b, ownerId: other.owner ?? ME, region: other.region ?? 'us-east-1', cidrBlock: other.cidr ?? '' },
    status: { code: state },
    tagSet: [],
  });
}

/** The seed's world as account 111111111111 sees it, plus a default VPC and a peer in
 * another account. */
function seedModel() {
  const m = new Model(ME, 'us-east-1');
  vpc(m, 'vpc-a', '10.0.0.0/16', 'A');
  vpc(m, 'vpc-b', '10.1.0.0/16', 'B');
  vpc(m, 'vpc-c', '10.2.0.0/16', 'C');
  vpc(m, 'vpc-default', '172.31.0.0/16', '');
  subnet(m, 'subnet-a', 'vpc-a', '10.0.1.0/24', 'us-east-1a');
  subnet(m, 'subnet-b', 'vpc-b', '10.1.1.0/24', 'us-east-1a');
  subnet(m, 'subnet-c', 'vpc-c', '10.2.1.0/24', 'us-east-1a');
  ['a', 'b', 'c', 'd', 'e', 'f'].forEach((z, i) => subnet(m, `subnet-d${z}`, 'vpc-default', `172.31.${i * 16}.0/20`, `us-east-1${z}`));
  instance(m, 'i-a', 'vpc-a', 'subnet-a', '10.0.1.4');
  instance(m, 'i-b', 'vpc-b', 'subnet-b', '10.1.1.4');
  instance(m, 'i-c', 'vpc-c', 'subnet-c', '10.2.1.4');
  peering(m, 'pcx-ab', 'vpc-a', 'vpc-b', 'active');
  peering(m, 'pcx-ac', 'vpc-a', 'vpc-c', 'active');
  peering(m, 'pcx-ax', 'vpc-a', 'vpc-x', 'pending-acceptance', { owner: '222222222222', cidr: '10.9.0.0/16' });
  m.add('igw', { internetGatewayId: 'igw-d', attachmentSet: [{ vpcId: 'vpc-default', state: 'available' }], tagSet: [] });
  m.add('vpce', { vpcEndpointId: 'vpce-if', vpcEndpointType: 'Interface', vpcId: 'vpc-a', serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-1', state: 'available', subnetIdSet: ['subnet-a'], tagSet: [] });
  m.add('vpce', { vpcEndpointId: 'vpce-gw', vpcEndpointType: 'Gateway', vpcId: 'vpc-a', serviceName: 'com.amazonaws.us-east-1.s3', state: 'available', subnetIdSet: [], tagSet: [] });
  m.add('rtb', { routeTableId: 'rtb-a', vpcId: 'vpc-a', routeSet: [], associationSet: [{ main: 'true' }], tagSet: [] });
  return m;
}

const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (c, p) => c.x >= p.x - 0.01 && c.y >= p.y - 0.01 && c.x + c.w <= p.x + p.w + 0.01 && c.y + c.h <= p.y + p.h + 0.01;
const onBorder = ([x, y], n) => {
  const near = (a, b) => Math.abs(a - b) < 0.5;
  const inX = x >= n.x - 0.5 && x <= n.x + n.w + 0.5;
  const inY = y >= n.y - 0.5 && y <= n.y + n.h + 0.5;
  return (inX && (near(y, n.y) || near(y, n.y + n.h))) || (inY && (near(x, n.x) || near(x, n.x + n.w)));
};

function checkGeometry(layout) {
  const all = [...layout.nodes.values()];
  const tops = all.filter((n) => !n.parent);
  for (let i = 0; i < tops.length; i++) {
    for (let j = i + 1; j < tops.length; j++) {
      assert.ok(!overlaps(tops[i], tops[j]), `${tops[i].key} overlaps ${tops[j].key}`);
    }
  }
  for (const n of all) {
    assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.w <= layout.width && n.y + n.h <= layout.height, `${n.key} outside the drawing`);
    if (n.parent) assert.ok(inside(n, layout.nodes.get(n.parent)), `${n.key} outside its parent ${n.parent}`);
  }
  // Siblings never overlap either.
  const byParent = new Map();
  for (const n of all.filter((n) => n.parent)) {
    if (!byParent.has(n.parent)) byParent.set(n.parent, []);
    byParent.get(n.parent).push(n);
  }
  for (const [parent, kids] of byParent) {
    for (let i = 0; i < kids.length; i++) {
      for (let j = i + 1; j < kids.length; j++) assert.ok(!overlaps(kids[i], kids[j]), `${kids[i].key} overlaps ${kids[j].key} in ${parent}`);
    }
  }
}

test('the seed: every VPC, subnet, instance and peering has a place, nothing overlaps', () => {
  const m = seedModel();
  const scene = buildScene(m, () => false);
  const layout = layoutScene(scene);
  checkGeometry(layout);
  for (const id of ['vpc-a', 'vpc-b', 'vpc-c', 'vpc-default', 'subnet-a', 'subnet-df', 'i-a', 'i-b', 'i-c', 'igw-d', 'vpce-if', 'vpce-gw', 'rtb-a', 'ext:vpc-x']) {
    assert.ok(layout.nodes.has(id), `${id} is drawn`);
  }
  assert.equal(layout.nodes.get('i-a').parent, 'subnet-a');
  assert.equal(layout.nodes.get('subnet-a').parent, 'vpc-a');
  assert.deepEqual(
    layout.links.filter((l) => l.kind === 'pcx').map((l) => [l.id, l.from, l.to, l.state]),
    [
      ['pcx-ab', 'vpc-a', 'vpc-b', 'active'],
      ['pcx-ac', 'vpc-a', 'vpc-c', 'active'],
      ['pcx-ax', 'vpc-a', 'ext:vpc-x', 'pending-acceptance'],
    ],
  );
  // The peer in another account is shown as what this account sees of it.
  const x = layout.nodes.get('ext:vpc-x');
  assert.equal(x.title, 'peer VPC');
  assert.deepEqual(x.lines, ['vpc-x', 'account 222222222222 · 10.9.0.0/16']);
  // Gateways on the top edge, route tables on the bottom, endpoints to their services.
  assert.ok(layout.nodes.get('vpce-gw').y < layout.nodes.get('subnet-a').y);
  assert.ok(layout.nodes.get('rtb-a').y > layout.nodes.get('subnet-a').y);
  const endpointLinks = layout.links.filter((l) => l.kind === 'endpoint').map((l) => [l.from, l.to]);
  assert.deepEqual(endpointLinks.sort(), [
    ['vpce-gw', 'svc:com.amazonaws.us-east-1.s3'],
    ['vpce-if', 'svc:com.amazonaws.vpce.us-east-1.vpce-svc-1'],
  ]);
  assert.equal(layout.nodes.get('svc:com.amazonaws.us-east-1.s3').title, 'AWS service S3');
});

test('subnets stand in one column per Availability Zone, in zone order', () => {
  const layout = layoutScene(buildScene(seedModel(), () => false));
  const xs = ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => layout.nodes.get(`subnet-d${z}`).x);
  assert.deepEqual([...xs].sort((p, q) => p - q), xs);
  assert.equal(new Set(xs).size, 6);
  const zoneHeads = [...layout.nodes.values()].filter((n) => n.kind === 'zone' && n.parent === 'vpc-default');
  assert.deepEqual(zoneHeads.map((z) => z.title), ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
});

test('a hub VPC sits between the VPCs it peers with; a chain keeps its order', () => {
  const layout = layoutScene(buildScene(seedModel(), () => false));
  const order = layout.top.filter((k) => ['vpc-a', 'vpc-b', 'vpc-c', 'ext:vpc-x'].includes(k));
  const a = order.indexOf('vpc-a');
  assert.ok(a > 0 && a < order.length - 1, `A in the middle of ${order}`);
  const chain = orderBoxes(['a', 'b', 'c', 'd', 'e'], [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'c', to: 'd' },
    { from: 'd', to: 'e' },
  ]);
  assert.ok(['a,b,c,d,e', 'e,d,c,b,a'].includes(chain.join(',')), chain.join(','));
});

test('links start and end on the borders of what they join', () => {
  const layout = layoutScene(buildScene(seedModel(), () => false));
  for (const l of layout.links) {
    const p = l.path.points;
    assert.ok(onBorder(p[0], layout.nodes.get(l.from)) || onBorder(p[0], layout.nodes.get(l.to)), `${l.key} start`);
    assert.ok(onBorder(p[p.length - 1], layout.nodes.get(l.to)) || onBorder(p[p.length - 1], layout.nodes.get(l.from)), `${l.key} end`);
    assert.ok(Number.isFinite(l.mid[0]) && Number.isFinite(l.mid[1]));
  }
});

test('a collapsed VPC is a small box without children; its links attach to it', () => {
  const layout = layoutScene(buildScene(seedModel(), (v) => v === 'vpc-a'));
  const a = layout.nodes.get('vpc-a');
  assert.deepEqual([a.w, a.h], [SIZE.collapsedW, SIZE.collapsedH]);
  assert.ok(!layout.nodes.has('subnet-a') && !layout.nodes.has('i-a'));
  assert.match(a.summary, /1 subnets · 1 instances/);
  const toS3 = layout.links.find((l) => l.to === 'svc:com.amazonaws.us-east-1.s3');
  assert.equal(toS3.from, 'vpc-a');
  checkGeometry(layout);
});

test('an expanded VPC is as wide as its zones and as tall as its fullest zone', () => {
  const box = {
    key: 'v',
    zones: [
      { name: 'z1', subnets: [{ key: 's1', chips: [{ key: 'c1' }, { key: 'c2' }, { key: 'c3' }] }] },
      { name: 'z2', subnets: [{ key: 's2', chips: [] }, { key: 's3', chips: [{ key: 'c4' }] }] },
    ],
    edge: [{ key: 'e1' }],
    footer: [],
  };
  const l = layoutVpc(box);
  const subnetW = SIZE.chipW + 2 * SIZE.pad;
  assert.equal(l.w, Math.max(SIZE.minInner, 2 * subnetW + SIZE.gap) + 2 * SIZE.pad);
  const c3 = l.children.find((c) => c.key === 'c3');
  assert.equal(c3.parent, 's1');
  assert.ok(c3.y + c3.h <= l.h - SIZE.pad);
});

test('1,000 VPCs and 2,000 peerings: no overlaps, a page-like shape, the same every time', () => {
  const m = new Model(ME, 'us-east-1');
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 1000; i++) vpc(m, `vpc-${String(i).padStart(4, '0')}`, `10.${i % 256}.0.0/20`, `vpc ${i}`);
  for (let i = 0; i < 2000; i++) {
    const a = rand(1000);
    const b = (a + 1 + rand(999)) % 1000;
    peering(m, `pcx-${i}`, `vpc-${String(a).padStart(4, '0')}`, `vpc-${String(b).padStart(4, '0')}`, i % 10 ? 'active' : 'failed');
  }
  const scene = buildScene(m, () => true);
  const layout = layoutScene(scene);
  assert.equal(layout.top.length, 1000);
  assert.equal(layout.links.length, 2000);
  checkGeometry(layout);
  const ratio = layout.width / layout.height;
  assert.ok(ratio > 0.5 && ratio < 4, `aspect ${ratio}`);
  const again = layoutScene(buildScene(m, () => true));
  assert.deepEqual(again.top, layout.top);
  assert.deepEqual(again.links.map((l) => l.path), layout.links.map((l) => l.path));
});

test('a large account keeps its boxes in order as its peerings are read VPC by VPC', () => {
  const m = seedModel();
  const before = layoutScene(buildScene(m, () => true), { fixedOrder: true });
  peering(m, 'pcx-bc', 'vpc-b', 'vpc-c', 'active');
  const after = layoutScene(buildScene(m, () => true), { fixedOrder: true });
  const pos = (l) => ['vpc-a', 'vpc-b', 'vpc-c', 'vpc-default'].map((k) => [l.nodes.get(k).x, l.nodes.get(k).y]);
  assert.deepEqual(pos(after), pos(before));
  assert.deepEqual(after.top.slice(0, 4), ['vpc-a', 'vpc-b', 'vpc-c', 'vpc-default']);
  assert.ok(after.links.some((l) => l.id === 'pcx-bc'));
  checkGeometry(after);
});

test('a hub with many peers: one row, the hub among them, no two labels on top of each other', () => {
  const m = seedModel();
  for (const [i, state] of ['expired', 'failed', 'rejected', 'deleted', 'active'].entries()) {
    peering(m, `pcx-x${i}`, 'vpc-a', `vpc-peer${i}`, state, { owner: '333333333333' });
  }
  peering(m, 'pcx-bc', 'vpc-b', 'vpc-c', 'active');
  const layout = layoutScene(buildScene(m, () => false));
  checkGeometry(layout);
  const peered = layout.top.filter((k) => k !== 'vpc-default');
  assert.equal(new Set(peered.map((k) => layout.nodes.get(k).y)).size, 1, 'one row');
  const a = peered.indexOf('vpc-a');
  assert.ok(Math.abs(peered.indexOf('vpc-b') - a) === 1 && Math.abs(peered.indexOf('vpc-c') - a) === 1, `B and C beside A: ${peered}`);
  const boxes = layout.links.filter((l) => l.label).map(labelBox);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `labels ${i} and ${j} overlap`);
  }
});

/** Three VPCs on one transit gateway (and a fourth one's attachment being deleted). */
function hubModel() {
  const m = new Model(ME, 'us-east-1');
  ['a', 'b', 'c', 'd'].forEach((x, i) => vpc(m, `vpc-${x}`, `10.${i}.0.0/16`, x.toUpperCase()));
  m.add('tgw', { transitGatewayId: 'tgw-1', state: 'available', ownerId: ME, options: { amazonSideAsn: '64512', associationDefaultRouteTableId: 'tgw-rtb-1' }, tagSet: tags('hub') });
  m.add('tgwRtb', { transitGatewayRouteTableId: 'tgw-rtb-2', transitGatewayId: 'tgw-1', state: 'available', tagSet: [] });
  m.add('tgwRtb', { transitGatewayRouteTableId: 'tgw-rtb-1', transitGatewayId: 'tgw-1', state: 'available', tagSet: [] });
  ['a', 'b', 'c', 'd'].forEach((x) =>
    m.add('tgwAttachment', { transitGatewayAttachmentId: `tgw-attach-${x}`, transitGatewayId: 'tgw-1', vpcId: `vpc-${x}`, vpcOwnerId: ME, state: x === 'd' ? 'deleting' : 'available', tagSet: [] }),
  );
  m.add('tgwAttachment', { transitGatewayAttachmentId: 'tgw-attach-x', transitGatewayId: 'tgw-1', vpcId: 'vpc-x', vpcOwnerId: '222222222222', state: 'pendingAcceptance', tagSet: [] });
  return m;
}

test('a transit gateway is a hub box with a line to each attached VPC, placed among them', () => {
  const m = hubModel();
  const scene = buildScene(m, () => true);
  const hub = scene.externals.find((e) => e.kind === 'tgw');
  assert.equal(hub.key, 'tgw:tgw-1');
  assert.equal(hub.title, 'hub');
  assert.deepEqual(scene.visible.get('tgw-1'), ['tgw:tgw-1']);
  const lines = scene.links.filter((l) => l.kind === 'tgw');
  // The deleting attachment has no line; another account's VPC gets a box of its own.
  assert.deepEqual(lines.map((l) => [l.id, l.from, l.to]), [
    ['tgw-attach-a', 'vpc-a', 'tgw:tgw-1'],
    ['tgw-attach-b', 'vpc-b', 'tgw:tgw-1'],
    ['tgw-attach-c', 'vpc-c', 'tgw:tgw-1'],
    ['tgw-attach-x', 'ext:vpc-x', 'tgw:tgw-1'],
  ]);
  assert.equal(lines[3].label, 'pending acceptance');
  assert.ok(scene.externals.some((e) => e.key === 'ext:vpc-x' && e.lines[1] === 'account 222222222222'));
  const layout = layoutScene(scene);
  // The hub sits between its spokes (orderBoxes puts the best-connected box in the middle),
  // in the connected group ahead of the VPC on its own.
  const order = layout.top;
  const at = order.indexOf('tgw:tgw-1');
  assert.ok(at > 0 && at < 4, order.join(' '));
  assert.equal(order[order.length - 1], 'vpc-d');
  for (const l of layout.links.filter((x) => x.kind === 'tgw')) assert.ok(l.path.points.length >= 2);
  const boxes = order.map((k) => layout.nodes.get(k));
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]));
});

test("a transit gateway's route tables, default first, and its routes most specific first with blackholes", () => {
  const m = hubModel();
  assert.deepEqual(tablesOf(m, 'tgw-1').map((t) => t.id), ['tgw-rtb-1', 'tgw-rtb-2']);
  const rows = tgwRouteRows([
    { destinationCidrBlock: '10.0.0.0/16', type: 'propagated', state: 'active', transitGatewayAttachments: { transitGatewayAttachmentId: 'tgw-attach-a', resourceId: 'vpc-a' } },
    { destinationCidrBlock: '10.2.1.4/32', type: 'static', state: 'blackhole' },
    { destinationCidrBlock: '10.0.0.0/16', type: 'static', state: 'active', transitGatewayAttachments: [{ transitGatewayAttachmentId: 'tgw-attach-b', resourceId: 'vpc-b' }] },
  ]);
  assert.deepEqual(
    rows.map((r) => [r.destination, r.attachment, r.resource, r.type, r.state]),
    [
      ['10.2.1.4/32', null, null, 'static', 'blackhole'],
      ['10.0.0.0/16', 'tgw-attach-b', 'vpc-b', 'static', 'active'],
      ['10.0.0.0/16', 'tgw-attach-a', 'vpc-a', 'propagated', 'active'],
    ],
  );
});

test("a VPC attached to another account's transit gateway still draws the hub and its line", () => {
  const m = new Model(ME, 'us-east-1');
  vpc(m, 'vpc-a', '10.0.0.0/16', 'A');
  m.add('tgwAttachment', { transitGatewayAttachmentId: 'tgw-attach-a', transitGatewayId: 'tgw-theirs', vpcId: 'vpc-a', vpcOwnerId: ME, state: 'available', tagSet: [] });
  const scene = buildScene(m, () => true);
  const hub = scene.externals.find((e) => e.key === 'tgw:tgw-theirs');
  assert.equal(hub.title, 'transit gateway (shared)');
  assert.equal(hub.lines[1], '1 attachment · shared with this account');
  assert.deepEqual(scene.links.map((l) => [l.from, l.to]), [['vpc-a', 'tgw:tgw-theirs']]);
});
