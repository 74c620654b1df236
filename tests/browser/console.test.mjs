// The console in a real browser (Debian's chromium, driven by playwright-core): the seed's
// world is built through the API (`openvpc demo`: three VPCs, two peerings, a PrivateLink
// service of another account, an S3 gateway endpoint), then the page must show every VPC
// and peering, trace deep links (one reachable, one blocked with its code), follow a change
// made through the API without a reload, click through a trace, decide the matrix, sign in
// with a key when the server checks signatures — and raise no script error.
//
// Run: scripts/test.sh (or: cd tests/browser && npm ci && node --test)
// Screenshots go to $SCREENSHOTS, else a fresh temporary folder; the path is printed.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { arr, launch, ready, runDemo, startServer, traced, watch } from './harness.mjs';

const ME = '111111111111';
const shots = process.env.SCREENSHOTS || mkdtempSync(join(tmpdir(), 'openvpc-console-screenshots-'));
mkdirSync(shots, { recursive: true });
console.log(`screenshots: ${shots}`);

let server;
let demo;
let browser;
let page;
let watcher;
const base = () => `${server.endpoint}/console?account=${ME}&region=us-east-1`;
const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`) });
const trace = (from, to, port = 443) => `${base()}&from=${from}&to=${to}&protocol=tcp&port=${port}`;

before(async () => {
  server = await startServer();
  demo = runDemo(server.endpoint);
  browser = await launch();
  page = await browser.newPage();
  watcher = watch(page, server.endpoint);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('GET / without an Action sends a browser to the console', async () => {
  const r = await fetch(`${server.endpoint}/?account=${ME}`, { redirect: 'manual' });
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), `/console?account=${ME}`);
  await page.goto(`${server.endpoint}/?account=${ME}&region=us-east-1`);
  await ready(page);
  assert.equal(new URL(page.url()).pathname, '/console');
});

test('the topology shows every VPC and every peering of the account, with ids and states', async () => {
  await page.goto(base());
  await ready(page);
  const vpcs = arr((await server.api(ME).call('DescribeVpcs')).vpcSet).map((v) => v.vpcId);
  assert.equal(vpcs.length, 4); // A, B, C and the default VPC
  for (const id of vpcs) {
    const box = page.locator(`svg .node[data-id="${id}"]`);
    await assert.doesNotReject(box.waitFor(), id);
    assert.match(await box.textContent(), new RegExp(id));
  }
  for (const [pair, id] of Object.entries(demo.peerings)) {
    const link = page.locator(`svg .link[data-id="${id}"]`);
    assert.equal(await link.count(), 1, `peering ${pair}`);
    assert.match(await link.getAttribute('aria-label'), /active/);
    assert.equal(await page.locator(`svg .link-label[data-id="${id}"]`).textContent(), `${id} · active`);
  }
  // Subnets, instances, endpoints, route tables and the services the endpoints use.
  for (const net of Object.values(demo.vpcs)) {
    for (const id of [net.subnet, net.instance, net.route_table]) assert.equal(await page.locator(`svg .node[data-id="${id}"]`).count(), 1, id);
  }
  assert.equal(await page.locator(`svg .node[data-id="${demo.privatelink.endpoint}"]`).count(), 1);
  assert.equal(await page.locator(`svg .node[data-id="${demo.s3_gateway_endpoint.endpoint}"]`).count(), 1);
  assert.equal(await page.locator(`svg .node[data-key="svc:${demo.privatelink.service_name}"]`).count(), 1);
  await shot('topology');
});

test('a deep-linked trace that gets through: "reachable", hop by hop, drawn on the topology', async () => {
  const { A, B } = demo.vpcs;
  await page.goto(trace(A.instance, B.instance));
  await traced(page);
  assert.equal(await page.locator('.verdict-word').getAttribute('data-verdict'), 'reachable');
  assert.match(await page.locator('.verdict-word').textContent(), /^✓ reachable$/);
  const forward = await page.locator('.hops.forward button.hop').allTextContents();
  assert.ok(forward.some((t) => t.includes(demo.peerings['A-B'])), 'the forward path crosses the A-B peering');
  assert.ok(forward[0].includes(A.network_interface) && forward.at(-1).includes(B.security_group));
  assert.ok((await page.locator('.hops.return button.hop').count()) > 0, 'the return path is listed');
  assert.equal(await page.locator('svg .trace polyline.path.forward').count(), 1);
  assert.equal(await page.locator('svg .trace polyline.path.return').count(), 1);
  assert.equal(await page.locator(`svg .link.on-path[data-id="${demo.peerings['A-B']}"]`).count(), 1);
  assert.equal(await page.locator('.blocker').count(), 0);
  await shot('trace-reachable');
});

test('a deep-linked trace that is blocked: "not reachable", its code, component, rule and fix', async () => {
  const { B, C } = demo.vpcs;
  await page.goto(trace(B.instance, C.instance));
  await traced(page);
  assert.equal(await page.locator('.verdict-word').getAttribute('data-verdict'), 'not reachable');
  const blocker = page.locator('.blocker');
  assert.equal(await blocker.count(), 1);
  assert.equal(await blocker.getAttribute('data-code'), 'PCX_REQUIRES_ADDRESS_IN_VPC_CIDR');
  const text = await blocker.textContent();
  assert.match(text, new RegExp(demo.peerings['A-B']));
  assert.match(text, /forward path/);
  assert.match(text, /What to change: .*not transitive/);
  assert.equal(await page.locator('svg .blocker-mark[data-code="PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]').count(), 1);
  await shot('trace-blocked');
});

test('clicking through a trace shows each component, and the drawing opens details too', async () => {
  const { B, C } = demo.vpcs;
  await page.goto(trace(B.instance, C.instance));
  await traced(page);
  // The route table hop: its routes, the route taken highlighted when an address is typed.
  await page.locator(`.hops.forward button.hop[data-id="${B.route_table}"]`).click();
  const picked = page.locator('#picked');
  await picked.waitFor();
  assert.match(await picked.locator('[data-selected]').textContent(), new RegExp(B.route_table));
  await picked.locator('.route-address').fill(C.private_ip);
  await page.waitForFunction(() => document.querySelector('#picked .winner').textContent.includes('goes to'));
  assert.match(await picked.locator('.winner').textContent(), new RegExp(`goes to ${demo.peerings['A-B']}`));
  // The blocker's component: the peering, active, with both sides.
  await page.locator('.blocker button.id').click();
  await page.waitForFunction((id) => document.querySelector('#picked [data-selected]')?.dataset.selected === id, demo.peerings['A-B']);
  const details = await picked.textContent();
  assert.match(details, /active — Active/);
  assert.match(details, new RegExp(B.vpc.replace(/-/g, '.')));
  await shot('trace-click-through');
  // Back on the topology: select a VPC by keyboard.
  await page.locator('[data-view="topology"]').click();
  const vpc = page.locator(`svg .node[data-id="${C.vpc}"]`);
  await vpc.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('#side [data-selected]')?.dataset.selected === id, C.vpc);
  assert.match(await page.locator('#side').textContent(), /10\.2\.0\.0\/16/);
  assert.match(page.url(), new RegExp(`select=${C.vpc}`));
});

test('a change made through the API shows on the open page without a reload', async () => {
  await page.goto(base());
  await ready(page);
  await page.evaluate(() => (window.notReloaded = true));
  const loads = Number(await page.evaluate(() => document.body.dataset.loads));
  const api = server.api(ME);
  const vpc = (await api.call('CreateVpc', { CidrBlock: '10.42.0.0/16', 'TagSpecification.1.ResourceType': 'vpc', 'TagSpecification.1.Tag.1.Key': 'Name', 'TagSpecification.1.Tag.1.Value': 'made-live' })).vpc.vpcId;
  await page.locator(`svg .node[data-id="${vpc}"]`).waitFor();
  assert.match(await page.locator(`svg .node[data-id="${vpc}"]`).textContent(), /made-live/);
  // A peering request to another account's VPC: drawn pending, in words.
  const other = (await server.api('333333333333').call('CreateVpc', { CidrBlock: '10.43.0.0/16' })).vpc.vpcId;
  const pcx = (await api.call('CreateVpcPeeringConnection', { VpcId: vpc, PeerVpcId: other, PeerOwnerId: '333333333333' })).vpcPeeringConnection.vpcPeeringConnectionId;
  await page.locator(`svg .link-label[data-id="${pcx}"]`).waitFor();
  await page.waitForFunction((id) => document.querySelector(`svg .link-label[data-id="${id}"]`)?.textContent.includes('pending acceptance'), pcx);
  assert.equal(await page.locator(`svg .node[data-key="ext:${other}"]`).count(), 1, 'the peer VPC of the other account');
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  assert.ok(Number(await page.evaluate(() => document.body.dataset.loads)) > loads);
  await shot('live-change');
  // Accepted by the other account: the same link turns active.
  await server.api('333333333333').call('AcceptVpcPeeringConnection', { VpcPeeringConnectionId: pcx });
  await page.waitForFunction((id) => document.querySelector(`svg .link-label[data-id="${id}"]`)?.textContent.endsWith('· active'), pcx);
});

test('the matrix decides every pair of subnets and links each cell to its trace', async () => {
  const { A, B, C } = demo.vpcs;
  await page.goto(`${base()}&view=matrix&vpc=${A.vpc}&vpc=${B.vpc}&vpc=${C.vpc}&protocol=tcp&port=443`);
  await page.waitForFunction(() => document.body.dataset.matrix === 'done');
  const cell = (from, to) => page.locator(`table.matrix td[data-from="${from}"][data-to="${to}"]`);
  assert.equal(await cell(A.subnet, B.subnet).getAttribute('data-verdict'), 'reachable');
  assert.equal(await cell(B.subnet, C.subnet).getAttribute('data-verdict'), 'not reachable');
  assert.equal(await cell(C.subnet, B.subnet).getAttribute('data-verdict'), 'not reachable');
  assert.equal(await page.locator('table.matrix td.ok').count(), 4);
  await shot('matrix');
  await cell(B.subnet, C.subnet).locator('a').click();
  await traced(page);
  assert.equal(await page.locator('.blocker').getAttribute('data-code'), 'PCX_REQUIRES_ADDRESS_IN_VPC_CIDR');
});

test('by keyboard at 1280×800: / finds a VPC by its Name tag, + and 0 zoom, a VPC collapses and opens, groups and ACL entries in order', async () => {
  const { B, C } = demo.vpcs;
  await page.goto(base());
  await ready(page);
  // Readable at 1280×800: the page itself never scrolls sideways.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  // Find by Name tag: "/" focuses the search, Enter opens the first match.
  await page.keyboard.press('/');
  await page.keyboard.type('demo-C');
  await page.locator('#search-results li[aria-selected="true"]').waitFor();
  const options = await page.locator('#search-results li').allTextContents();
  const at = options.findIndex((t) => t.includes(C.vpc));
  assert.ok(at >= 0, options.join(' | '));
  for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('#side [data-selected]')?.dataset.selected === id, C.vpc);
  // Zoom: + narrows the drawing's viewBox, 0 fits it again.
  const width = () => page.evaluate(() => Number(document.querySelector('#topology').getAttribute('viewBox').split(' ')[2]));
  await page.locator('#topology').focus();
  await page.keyboard.press('0');
  const fitted = await width();
  await page.keyboard.press('+');
  assert.ok((await width()) < fitted, 'zoomed in');
  await page.keyboard.press('0');
  assert.equal(await width(), fitted);
  // Collapse C by its toggle (focus stays on it), then open it again.
  const subnet = page.locator(`svg .node[data-id="${C.subnet}"]`);
  assert.equal(await subnet.count(), 1);
  await page.locator(`svg .toggle[data-toggle="${C.vpc}"]`).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector(`svg .node[data-id="${id}"]`)?.classList.contains('collapsed'), C.vpc);
  assert.equal(await subnet.count(), 0, 'a collapsed VPC hides its subnets');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.toggle), C.vpc);
  await page.keyboard.press('Enter');
  await subnet.waitFor();
  // A security group's rules, found by id through the search.
  await page.locator('#search').fill(B.security_group);
  await page.locator('#search').press('Enter');
  await page.waitForFunction((id) => document.querySelector('#side [data-selected]')?.dataset.selected === id, B.security_group);
  const side = await page.locator('#side').textContent();
  assert.match(side, /Inbound rules/);
  assert.match(side, /tcp\s*443\s*10\.0\.0\.0\/8/);
  // The VPC's network ACL: its entries in the order they are evaluated, the * rule last.
  const acl = arr((await server.api(ME).call('DescribeNetworkAcls', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': B.vpc })).networkAclSet)[0].networkAclId;
  await page.locator('#search').fill(acl);
  await page.locator('#search').press('Enter');
  await page.waitForFunction((id) => document.querySelector('#side [data-selected]')?.dataset.selected === id, acl);
  const inbound = page.locator('#side table', { has: page.locator('caption', { hasText: 'Inbound entries (in order)' }) });
  const rules = await inbound.locator('tbody tr td:first-child').allTextContents();
  assert.deepEqual(rules, ['100', '*']);
  await shot('keyboard-acl');
});

test('without parameters the page offers an account and a Region; a deep link may trace to an IP address', async () => {
  const other = '555555555555';
  const vpc = (await server.api(other).call('CreateVpc', { CidrBlock: '10.55.0.0/16' })).vpc.vpcId;
  await page.goto(`${server.endpoint}/console`);
  await ready(page);
  const account = page.locator('#account');
  assert.match(await account.inputValue(), /^\d{12}$/);
  const loads = Number(await page.evaluate(() => document.body.dataset.loads));
  await account.fill(other);
  await account.press('Tab');
  await page.locator(`svg .node[data-id="${vpc}"]`).waitFor();
  assert.ok(Number(await page.evaluate(() => document.body.dataset.loads)) > loads);
  const regions = await page.locator('#region option').allTextContents();
  assert.ok(regions.includes('us-east-1') && regions.includes('us-west-2'), regions.join(' '));
  await page.locator('#region').selectOption('us-west-2');
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('#region').value === 'us-west-2');
  await page.waitForFunction((id) => !document.querySelector(`svg .node[data-id="${id}"]`), vpc);
  // `to` may be an IP address.
  const { A, B } = demo.vpcs;
  await page.goto(trace(A.instance, B.private_ip));
  await traced(page);
  assert.equal(await page.locator('.verdict-word').getAttribute('data-verdict'), 'reachable');
  assert.match(await page.locator('#trace-to').inputValue(), new RegExp(B.private_ip.replace(/\./g, '\\.')));
});

/** Three VPCs of account `account`, each with a subnet and an instance admitting TCP 22
 * from 10/8, attached to one transit gateway and routing 10/8 to it. */
async function hubWorld(account) {
  const api = server.api(account);
  const spokes = [];
  for (const n of [1, 2, 3]) {
    const vpc = (await api.call('CreateVpc', { CidrBlock: `10.${n}.0.0/16` })).vpc.vpcId;
    const subnet = (await api.call('CreateSubnet', { VpcId: vpc, CidrBlock: `10.${n}.1.0/24`, AvailabilityZone: 'us-east-1a' })).subnet.subnetId;
    const sg = (await api.call('CreateSecurityGroup', { VpcId: vpc, GroupName: 'app', GroupDescription: 'app' })).groupId;
    await api.call('AuthorizeSecurityGroupIngress', { GroupId: sg, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': 22, 'IpPermissions.1.ToPort': 22, 'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8' });
    const run = await api.call('RunInstances', { ImageId: 'ami-0e2c8caa4b6378d8c', MinCount: 1, MaxCount: 1, SubnetId: subnet, 'SecurityGroupId.1': sg });
    const instance = arr(run.instancesSet)[0];
    const rtb = arr((await api.call('DescribeRouteTables', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': vpc })).routeTableSet)[0].routeTableId;
    spokes.push({ vpc, subnet, rtb, instance: instance.instanceId, ip: instance.privateIpAddress });
  }
  const tgw = (await api.call('CreateTransitGateway', { Description: 'hub', 'TagSpecification.1.ResourceType': 'transit-gateway', 'TagSpecification.1.Tag.1.Key': 'Name', 'TagSpecification.1.Tag.1.Value': 'hub' })).transitGateway;
  await server.advance(1);
  for (const s of spokes) {
    s.attachment = (await api.call('CreateTransitGatewayVpcAttachment', { TransitGatewayId: tgw.transitGatewayId, VpcId: s.vpc, 'SubnetIds.1': s.subnet })).transitGatewayVpcAttachment.transitGatewayAttachmentId;
  }
  await server.advance(1);
  for (const s of spokes) await api.call('CreateRoute', { RouteTableId: s.rtb, DestinationCidrBlock: '10.0.0.0/8', TransitGatewayId: tgw.transitGatewayId });
  const table = tgw.options.associationDefaultRouteTableId;
  // A blackhole for one address of the third VPC: the table shows it, the second VPC is not dropped.
  await api.call('CreateTransitGatewayRoute', { TransitGatewayRouteTableId: table, DestinationCidrBlock: '10.3.1.250/32', Blackhole: 'true' });
  return { tgw: tgw.transitGatewayId, table, spokes };
}

test('a transit gateway is a hub with a line to each attached VPC, its route tables in its details, a path through it drawn through the hub', async () => {
  const account = '333333333333';
  const world = await hubWorld(account);
  const at = `${server.endpoint}/console?account=${account}&region=us-east-1`;
  await page.goto(at);
  await ready(page);
  const hub = page.locator(`svg .node.kind-tgw[data-id="${world.tgw}"]`);
  assert.equal(await hub.count(), 1);
  assert.match(await hub.textContent(), /hub/);
  assert.match(await hub.getAttribute('aria-label'), /^transit gateway: /);
  for (const s of world.spokes) {
    const line = page.locator(`svg .link.kind-tgw[data-id="${s.attachment}"]`);
    assert.equal(await line.count(), 1, s.attachment);
    assert.match(await line.getAttribute('aria-label'), new RegExp(`between ${s.vpc} and ${world.tgw}`));
  }
  // Its details: the default route table with three associations, three propagations, the
  // propagated routes and the blackhole.
  await hub.click();
  const routes = page.locator(`#side table[data-routes="${world.table}"]`);
  await routes.waitFor();
  const side = await page.locator('#side').textContent();
  for (const s of world.spokes) assert.match(side, new RegExp(s.attachment));
  assert.equal(await page.locator(`#side .tgw-table[data-table="${world.table}"] table`).count(), 3);
  const rows = await routes.locator('tbody tr').allTextContents();
  assert.equal(rows.length, 4, rows.join(' | '));
  assert.match(rows[0], /10\.3\.1\.250\/32.*static.*blackhole/);
  assert.ok(rows.slice(1).every((r) => /propagated.*active/.test(r)), rows.join(' | '));
  await shot('transit-gateway');
  // A path from the first VPC to the second, through the transit gateway: drawn through the hub.
  const [one, two] = world.spokes;
  await page.goto(`${at}&from=${one.instance}&to=${two.instance}&protocol=tcp&port=22`);
  await traced(page);
  assert.equal(await page.locator('.verdict-word').getAttribute('data-verdict'), 'reachable');
  const forward = await page.locator('.hops.forward button.hop').allTextContents();
  assert.ok(forward.some((t) => t.includes(world.tgw)), forward.join(' | '));
  assert.equal(await page.locator(`svg .node.kind-tgw.on-path[data-id="${world.tgw}"]`).count(), 1);
  const box = await hub.boundingBox();
  assert.ok(box, 'the hub is drawn');
  await shot('trace-transit-gateway');
  // Peered with a gateway in another Region: a line from the hub to that gateway's box.
  const west = server.api(account, 'browser-test', 'us-west-2');
  const far = (await west.call('CreateTransitGateway', {})).transitGateway.transitGatewayId;
  await server.advance(1);
  const peering = (await server.api(account).call('CreateTransitGatewayPeeringAttachment', { TransitGatewayId: world.tgw, PeerTransitGatewayId: far, PeerAccountId: account, PeerRegion: 'us-west-2' })).transitGatewayPeeringAttachment.transitGatewayAttachmentId;
  await server.advance(1);
  await west.call('AcceptTransitGatewayPeeringAttachment', { TransitGatewayAttachmentId: peering });
  await server.advance(1);
  await page.goto(at);
  await ready(page);
  const line = page.locator(`svg .link.kind-tgw-peering[data-id="${peering}"]`);
  assert.equal(await line.count(), 1);
  assert.match(await line.getAttribute('aria-label'), new RegExp(`peering attachment ${peering} between ${world.tgw} and ${far}`));
  assert.equal(await page.locator(`svg .node.kind-tgw[data-id="${far}"]`).count(), 1);
});

test('no script errors on any of these pages', () => {
  assert.deepEqual(watcher.errors, []);
  // The only API refusals: actions this server does not serve yet (optional kinds).
  for (const e of watcher.apiErrors) assert.match(e, /^400 POST /);
});

test('with --credentials the page asks for a key, signs with it, and refuses a wrong one', async () => {
  const key = ['AKIDCONSOLETEST00001', 'console-secret', '444444444444'];
  const guarded = await startServer({ credentials: [key] });
  const p = await browser.newPage();
  const w = watch(p, guarded.endpoint);
  try {
    await p.goto(`${guarded.endpoint}/console`);
    await p.waitForFunction(() => document.body.dataset.state === 'login');
    await p.fill('#login-key', key[0]);
    await p.fill('#login-secret', 'not-the-secret');
    await p.click('form.login button[type=submit]');
    await p.locator('form.login .error').waitFor();
    assert.match(await p.locator('form.login .error').textContent(), /AuthFailure/);
    await p.screenshot({ path: join(shots, 'login-refused.png') });
    await p.fill('#login-key', key[0]);
    await p.fill('#login-secret', key[1]);
    await p.click('form.login button[type=submit]');
    await ready(p);
    const api = guarded.api(key[0], key[1]);
    const vpc = (await api.call('CreateVpc', { CidrBlock: '10.77.0.0/16' })).vpc.vpcId;
    await p.locator(`svg .node[data-id="${vpc}"]`).waitFor();
    assert.match(await p.locator('#who').textContent(), /AKIDCONSOLETEST00001/);
    assert.equal(await p.evaluate(() => new URLSearchParams(location.search).has('account')), false);
    await p.screenshot({ path: join(shots, 'signed-in.png') });
    assert.deepEqual(w.errors, []);
  } finally {
    await p.close();
    await guarded.stop();
  }
});

