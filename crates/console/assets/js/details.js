// The details of what is selected: every field a network engineer asks about first, route
// tables with their routes (and which one wins for an address typed in), security group
// rules, network ACL entries in order, and tags. Ids are buttons that select that item.

import { arr } from './api.js';
import { KINDS, kindWords, shortId } from './kinds.js';
import { isAddress, routeDestination, routeTarget, routeWinner } from './net.js';
import { stateWords } from './scene.js';
import { tablesOf, tgwRouteRows } from './tgw.js';
import { facts, fill, h, table } from './ui.js';

const yes = (v) => (v === 'true' ? 'yes' : v === 'false' ? 'no' : v);

function ids(list, pick) {
  const l = list.filter(Boolean);
  if (!l.length) return '—';
  return h('span', { class: 'ids' }, l.map((id) => h('button', { type: 'button', class: 'id', onclick: () => pick(id) }, shortId(id))));
}

function tags(raw) {
  const list = arr(raw.tagSet ?? raw.Tags);
  if (!list.length) return h('p', { class: 'muted' }, 'No tags.');
  return table('Tags', ['Key', 'Value'], list.map((t) => [t.key ?? t.Key, t.value ?? t.Value]));
}

function ports(p) {
  const from = p.fromPort ?? p.FromPort;
  const to = p.toPort ?? p.ToPort;
  if (from === undefined || from === '') return 'all';
  if (from === '-1') return 'all';
  return from === to ? from : `${from}-${to}`;
}

const protocolName = (p) => ({ '-1': 'all', 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' })[p] ?? p;

/** Security group rules as rows: protocol, ports, peer, description. */
function sgRows(perms, pick) {
  const rows = [];
  for (const p of arr(perms)) {
    const proto = protocolName(p.ipProtocol);
    const port = proto === 'all' ? 'all' : ports(p);
    for (const r of arr(p.ipRanges)) rows.push([proto, port, r.cidrIp, r.description || '']);
    for (const r of arr(p.ipv6Ranges)) rows.push([proto, port, r.cidrIpv6, r.description || '']);
    for (const r of arr(p.prefixListIds)) rows.push([proto, port, ids([r.prefixListId], pick), r.description || '']);
    for (const g of arr(p.groups)) {
      const owner = g.userId && g.vpcPeeringConnectionId ? ` (account ${g.userId}, via ${g.vpcPeeringConnectionId})` : '';
      rows.push([proto, port, h('span', {}, ids([g.groupId], pick), owner), g.description || '']);
    }
  }
  return rows;
}

/** Network ACL entries of one direction, in the order they are evaluated. */
function aclTable(raw, egress) {
  const entries = arr(raw.entrySet)
    .filter((e) => e.egress === String(egress))
    .sort((a, b) => Number(a.ruleNumber) - Number(b.ruleNumber));
  return table(
    egress ? 'Outbound entries (in order)' : 'Inbound entries (in order)',
    ['Rule', 'Protocol', 'Ports', egress ? 'Destination' : 'Source', 'Action'],
    entries.map((e) => [
      e.ruleNumber === '32767' ? '*' : e.ruleNumber,
      protocolName(e.protocol),
      e.portRange ? `${e.portRange.from}-${e.portRange.to}` : 'all',
      e.cidrBlock || e.ipv6CidrBlock,
      h('span', { class: `action ${e.ruleAction}` }, e.ruleAction),
    ]),
  );
}

/** Routes with a "which route wins" tester. */
function routesBlock(rtb, ctx) {
  const routes = arr(rtb.raw.routeSet);
  const rows = routes.map((r) =>
    h(
      'tr',
      { 'data-route': routeDestination(r) },
      h('td', { class: 'mono' }, r.destinationPrefixListId ? ids([r.destinationPrefixListId], ctx.pick) : routeDestination(r)),
      h('td', {}, routeTarget(r) === 'local' ? 'local' : ids([routeTarget(r)], ctx.pick)),
      h('td', { title: `origin: ${r.origin}` }, h('span', { class: `state state-${r.state}` }, r.state), r.origin === 'EnableVgwRoutePropagation' ? ' (propagated)' : ''),
    ),
  );
  const answer = h('p', { class: 'winner', role: 'status' });
  const input = h('input', { type: 'text', inputmode: 'decimal', placeholder: 'e.g. 10.1.1.4', 'aria-label': 'Address to route', class: 'route-address' });
  const update = async () => {
    const address = input.value.trim();
    rows.forEach((r) => r.removeAttribute('aria-current'));
    if (!address) return answer.replaceChildren();
    if (!isAddress(address)) return answer.replaceChildren('Not an IP address.');
    const lists = await ctx.prefixLists(routes.map((r) => r.destinationPrefixListId).filter(Boolean));
    const win = routeWinner(routes, address, lists);
    if (!win) {
      answer.replaceChildren(`No route matches ${address}: traffic to it is dropped here (NO_ROUTE_TO_DESTINATION).`);
      return;
    }
    rows[win.index].setAttribute('aria-current', 'true');
    const how = win.route.destinationPrefixListId ? `${win.route.destinationPrefixListId}, whose ${win.prefix} matches` : win.prefix;
    const blackhole = win.route.state === 'blackhole' ? ' — a blackhole route: the traffic is dropped (BAD_STATE_ROUTE)' : '';
    answer.replaceChildren(`${address} goes to ${routeTarget(win.route)} by the route for ${how} (longest prefix /${win.prefix.split('/')[1]})${blackhole}.`);
  };
  input.addEventListener('input', update);
  return h(
    'div',
    { class: 'routes' },
    table(`Routes of ${rtb.id}`, ['Destination', 'Target', 'State'], rows),
    h('label', { class: 'tester' }, 'Which route wins for ', input),
    answer,
  );
}

function section(title, ...content) {
  return h('section', { class: 'detail-section' }, h('h3', {}, title), ...content);
}

function needsDetails(ctx, vpcId) {
  return ctx.model.hasDetails(vpcId) ? null : h('p', { class: 'muted' }, 'Loading this VPC’s route tables, ACLs and groups…');
}

/** One transit-gateway route table: associations, propagations and routes, read on opening. */
function tgwTableBlock(rtb, ctx) {
  const out = h('div', { class: 'tgw-table', 'data-table': rtb.id }, h('p', { class: 'muted' }, 'Reading the route table…'));
  const attachment = (a) => h('span', {}, ids([a.transitGatewayAttachmentId], ctx.pick), ' → ', ids([a.resourceId], ctx.pick));
  ctx
    .tgwTable(rtb.id)
    .then(({ associations, propagations, routes }) =>
      out.replaceChildren(
        table('Associations (attachments that look up here)', ['Attachment → VPC', 'State'], associations.map((a) => [attachment(a), a.state])),
        table('Propagations (attachments whose CIDRs are learnt here)', ['Attachment → VPC', 'State'], propagations.map((a) => [attachment(a), a.state])),
        table(
          `Routes of ${rtb.id}`,
          ['Destination', 'Attachment', 'Type', 'State'],
          tgwRouteRows(routes).map((r) => [
            h('span', { class: 'mono' }, r.destination),
            r.attachment ? h('span', {}, ids([r.attachment], ctx.pick), r.resource ? ` (${r.resource})` : '') : '—',
            r.type,
            h('span', { class: `state state-${r.state}` }, r.state === 'blackhole' ? 'blackhole (dropped)' : r.state),
          ]),
          { 'data-routes': rtb.id },
        ),
      ),
    )
    .catch((e) => out.replaceChildren(h('p', { class: 'error' }, e.message)));
  return out;
}

const VIEWS = {
  tgw(x, ctx) {
    const o = x.raw.options ?? {};
    const attachments = ctx.model.list('tgwAttachment').filter((a) => a.raw.transitGatewayId === x.id);
    return [
      facts([
        ['Amazon side ASN', o.amazonSideAsn],
        ['Owner', x.raw.ownerId],
        ['Default association', `${o.defaultRouteTableAssociation} ${o.associationDefaultRouteTableId ?? ''}`],
        ['Default propagation', `${o.defaultRouteTablePropagation} ${o.propagationDefaultRouteTableId ?? ''}`],
        ['DNS support', o.dnsSupport],
        ['Auto-accept shared attachments', o.autoAcceptSharedAttachments],
        ['CIDR blocks', arr(o.transitGatewayCidrBlocks).join(', ')],
      ]),
      section('Attachments', ids(attachments.map((a) => a.id), ctx.pick), ' ', ids([...new Set(attachments.map((a) => a.vpc))], ctx.pick)),
      ...tablesOf(ctx.model, x.id).map((t) => section(`Route table ${t.name || ''}`, ids([t.id], ctx.pick), tgwTableBlock(t, ctx))),
      h(
        'p',
        { class: 'muted' },
        'A transit gateway routes between every attachment its route tables allow: transitive, unlike peering. Each attachment looks up the table it is associated with; blackhole routes drop what they match.',
      ),
    ];
  },
  tgwRtb(x, ctx) {
    return [
      facts([
        ['Transit gateway', ids([x.raw.transitGatewayId], ctx.pick)],
        ['Default association table', yes(x.raw.defaultAssociationRouteTable)],
        ['Default propagation table', yes(x.raw.defaultPropagationRouteTable)],
      ]),
      tgwTableBlock(x, ctx),
    ];
  },
  tgwAttachment(x, ctx) {
    const r = x.raw;
    return [
      facts([
        ['Transit gateway', ids([r.transitGatewayId], ctx.pick)],
        ['VPC', ids([r.vpcId], ctx.pick)],
        ['VPC owner', r.vpcOwnerId],
        ['Subnets', ids(arr(r.subnetIds), ctx.pick)],
        ['Appliance mode', r.options?.applianceModeSupport],
        ['DNS support', r.options?.dnsSupport],
      ]),
    ];
  },
  vpc(x, ctx) {
    const { model, pick } = ctx;
    const r = x.raw;
    return [
      facts([
        ['CIDR blocks', arr(r.cidrBlockAssociationSet).map((c) => `${c.cidrBlock} (${c.cidrBlockState?.state})`).join(', ')],
        ['IPv6', arr(r.ipv6CidrBlockAssociationSet).map((c) => c.ipv6CidrBlock).join(', ')],
        ['Default VPC', yes(r.isDefault)],
        ['DHCP options', r.dhcpOptionsId],
        ['Owner', r.ownerId],
      ]),
      needsDetails(ctx, x.id),
      section('Subnets', ids(model.inVpc('subnet', x.id).map((s) => s.id), pick)),
      section('Route tables', ids(model.inVpc('rtb', x.id).map((s) => s.id), pick)),
      section('Security groups', ids(model.inVpc('sg', x.id).map((s) => s.id), pick)),
      section('Network ACLs', ids(model.inVpc('acl', x.id).map((s) => s.id), pick)),
      section(
        'Peering connections',
        ids(model.list('pcx').filter((p) => p.vpcs.includes(x.id)).map((p) => p.id), pick),
      ),
    ];
  },
  subnet(x, ctx) {
    const r = x.raw;
    const rtb = ctx.model.routeTableOf(x.id);
    const acl = ctx.model.aclOf(x.id);
    const explicit = rtb && arr(rtb.raw.associationSet).some((a) => a.subnetId === x.id);
    return [
      facts([
        ['CIDR block', r.cidrBlock],
        ['IPv6', arr(r.ipv6CidrBlockAssociationSet).map((c) => c.ipv6CidrBlock).join(', ')],
        ['Zone', `${r.availabilityZone} (${r.availabilityZoneId})`],
        ['VPC', ids([x.vpc], ctx.pick)],
        ['Free addresses', r.availableIpAddressCount],
        ['Public IP on launch', yes(r.mapPublicIpOnLaunch)],
      ]),
      needsDetails(ctx, x.vpc),
      rtb ? section(`Route table ${explicit ? '' : '(the main table: no explicit association)'}`, ids([rtb.id], ctx.pick), routesBlock(rtb, ctx)) : null,
      acl ? section('Network ACL', ids([acl.id], ctx.pick), aclTable(acl.raw, false), aclTable(acl.raw, true)) : null,
    ];
  },
  rtb(x, ctx) {
    const assoc = arr(x.raw.associationSet);
    return [
      facts([
        ['VPC', ids([x.vpc], ctx.pick)],
        ['Main table', assoc.some((a) => a.main === 'true') ? 'yes (subnets without an association use it)' : 'no'],
        ['Subnets', ids(assoc.map((a) => a.subnetId), ctx.pick)],
        ['Gateway associations', ids(assoc.map((a) => a.gatewayId), ctx.pick)],
      ]),
      routesBlock(x, ctx),
    ];
  },
  acl(x, ctx) {
    return [
      facts([
        ['VPC', ids([x.vpc], ctx.pick)],
        ['Default', yes(x.raw.default)],
        ['Subnets', ids(arr(x.raw.associationSet).map((a) => a.subnetId), ctx.pick)],
      ]),
      aclTable(x.raw, false),
      aclTable(x.raw, true),
    ];
  },
  sg(x, ctx) {
    const r = x.raw;
    return [
      facts([
        ['Group name', r.groupName],
        ['Description', r.groupDescription],
        ['VPC', ids([x.vpc], ctx.pick)],
        ['Owner', r.ownerId],
      ]),
      table('Inbound rules', ['Protocol', 'Ports', 'Source', 'Description'], sgRows(r.ipPermissions, ctx.pick)),
      table('Outbound rules', ['Protocol', 'Ports', 'Destination', 'Description'], sgRows(r.ipPermissionsEgress, ctx.pick)),
    ];
  },
  instance(x, ctx) {
    const r = x.raw;
    return [
      facts([
        ['State', r.instanceState?.name],
        ['Type', r.instanceType],
        ['Private IP', r.privateIpAddress],
        ['Public IP', r.ipAddress],
        ['Subnet', ids([r.subnetId], ctx.pick)],
        ['Security groups', ids(arr(r.groupSet).map((g) => g.groupId), ctx.pick)],
        ['Network interfaces', ids(arr(r.networkInterfaceSet).map((n) => n.networkInterfaceId), ctx.pick)],
        ['Source/destination check', yes(r.sourceDestCheck)],
      ]),
      ctx.traceButtons(x.id),
    ];
  },
  eni(x, ctx) {
    const r = x.raw;
    return [
      facts([
        ['Description', r.description],
        ['Type', r.interfaceType],
        ['Status', r.status],
        ['Private IPs', arr(r.privateIpAddressesSet).map((p) => p.privateIpAddress).join(', ')],
        ['Public IP', r.association?.publicIp],
        ['Subnet', ids([r.subnetId], ctx.pick)],
        ['Security groups', ids(arr(r.groupSet).map((g) => g.groupId), ctx.pick)],
        ['Attached to', ids([r.attachment?.instanceId], ctx.pick)],
        ['Source/destination check', yes(r.sourceDestCheck)],
      ]),
      ctx.traceButtons(x.id),
    ];
  },
  pcx(x, ctx) {
    const r = x.raw;
    const side = (info) =>
      facts([
        ['VPC', ids([info?.vpcId], ctx.pick)],
        ['Account', info?.ownerId],
        ['Region', info?.region],
        ['CIDR blocks', arr(info?.cidrBlockSet).map((c) => c.cidrBlock).join(', ') || info?.cidrBlock],
        ['DNS resolution from the peer', yes(info?.peeringOptions?.allowDnsResolutionFromRemoteVpc)],
      ]);
    return [
      facts([
        ['Status', `${r.status?.code} — ${r.status?.message}`],
        ['Expires', r.expirationTime],
      ]),
      section('Requester', side(r.requesterVpcInfo)),
      section('Accepter', side(r.accepterVpcInfo)),
      h(
        'p',
        { class: 'muted' },
        'A peering carries traffic only once it is active and a route table of each side sends the other side’s CIDR to it; it delivers only into the peer VPC.',
      ),
    ];
  },
  vpce(x, ctx) {
    const r = x.raw;
    return [
      facts([
        ['Type', r.vpcEndpointType],
        ['Service', r.serviceName],
        ['State', stateWords(r.state)],
        ['VPC', ids([x.vpc], ctx.pick)],
        ['Subnets', ids(arr(r.subnetIdSet), ctx.pick)],
        ['Route tables', ids(arr(r.routeTableIdSet), ctx.pick)],
        ['Security groups', ids(arr(r.groupSet).map((g) => g.groupId), ctx.pick)],
        ['Network interfaces', ids(arr(r.networkInterfaceIdSet), ctx.pick)],
        ['Private DNS', yes(r.privateDnsEnabled)],
        ['DNS names', arr(r.dnsEntrySet).map((d) => d.dnsName).join(' ')],
      ]),
      r.vpcEndpointType === 'Interface' ? ctx.traceButtons(x.id) : null,
    ];
  },
  svc(x, ctx) {
    const r = x.raw;
    return [
      facts([
        ['Service name', r.serviceName],
        ['State', r.serviceState],
        ['Acceptance required', yes(r.acceptanceRequired)],
        ['Private DNS name', r.privateDnsName],
        ['Zones', arr(r.availabilityZoneSet).join(', ')],
        ['Load balancers', ids(arr(r.networkLoadBalancerArnSet), ctx.pick)],
      ]),
      h('p', { class: 'muted' }, 'PrivateLink is one-way: consumers open connections to the service through their endpoints; the service cannot open connections to them.'),
    ];
  },
  lb(x, ctx) {
    const r = x.raw;
    return [
      facts([
        ['Name', r.LoadBalancerName],
        ['Type', r.Type],
        ['Scheme', r.Scheme],
        ['State', r.State?.Code],
        ['DNS name', r.DNSName],
        ['VPC', ids([x.vpc], ctx.pick)],
        ['Subnets', ids(x.subnets, ctx.pick)],
      ]),
    ];
  },
  igw(x, ctx) {
    return [facts([['Attached to', ids(x.vpcs, ctx.pick)], ['State', stateWords(x.state)]]), ctx.traceButtons(x.id)];
  },
  nat(x, ctx) {
    const r = x.raw;
    return [
      facts([
        ['State', r.state],
        ['Connectivity', r.connectivityType],
        ['Subnet', ids([r.subnetId], ctx.pick)],
        ['Addresses', arr(r.natGatewayAddressSet).map((a) => [a.privateIp, a.publicIp].filter(Boolean).join(' / ')).join(', ')],
      ]),
    ];
  },
};

/** Details of what the page draws but the API does not list as an item of this account. */
function outsideView(id, ctx) {
  const peerings = ctx.model.list('pcx').filter((p) => p.vpcs.includes(id));
  const endpoints = ctx.model.list('vpce').filter((e) => e.raw.serviceName === id);
  if (peerings.length) {
    return [
      h('p', {}, 'A VPC of another account or Region: this account sees it only through its peering connections.'),
      section('Peering connections', ids(peerings.map((p) => p.id), ctx.pick)),
    ];
  }
  const attachments = ctx.model.list('tgwAttachment').filter((a) => a.raw.transitGatewayId === id);
  if (attachments.length) {
    return [
      h('p', {}, 'A transit gateway of another account, shared with this one: its owner keeps its route tables.'),
      section('Attachments of this account', ids(attachments.map((a) => a.id), ctx.pick)),
    ];
  }
  if (endpoints.length) {
    const info = h('div', {}, h('p', { class: 'muted' }, 'Reading the service…'));
    ctx
      .describeService(id)
      .then((d) =>
        info.replaceChildren(
          d
            ? facts([
                ['Owner', d.owner],
                ['Type', arr(d.serviceType).map((t) => t.serviceType).join(', ')],
                ['Acceptance required', yes(d.acceptanceRequired)],
                ['Private DNS name', d.privateDnsName],
                ['Zones', arr(d.availabilityZoneSet).join(', ')],
                ['Endpoint policies', yes(d.vpcEndpointPolicySupported)],
              ])
            : h('p', { class: 'muted' }, 'This account cannot describe the service.'),
        ),
      )
      .catch((e) => info.replaceChildren(h('p', { class: 'error' }, e.message)));
    return [info, section('Endpoints using it', ids(endpoints.map((e) => e.id), ctx.pick))];
  }
  return [h('p', { class: 'muted' }, 'This account does not list this resource.')];
}

/** Fills `el` with the details of `id`. */
export function renderDetails(el, id, ctx) {
  const item = ctx.model.get(id);
  const kind = item ? KINDS[item.kind] : null;
  const title = item ? item.name || (typeof kind.label === 'function' ? kind.label(item.raw) : kind.label) : id.startsWith('com.amazonaws') ? 'service' : kindWords(id);
  const view = item ? (VIEWS[item.kind] ?? (() => [facts([['State', stateWords(item.state)]])])) : null;
  fill(
    el,
    h(
      'header',
      { class: 'detail-head' },
      h('p', { class: 'kind' }, item ? item.label : kindWords(id)),
      h('h2', { id: 'details-title' }, title),
      h('p', { class: 'mono selectable', 'data-selected': id }, id),
      item?.state ? h('p', { class: `state state-${item.state}` }, stateWords(item.state)) : null,
    ),
    ...(item ? view(item, ctx) : outsideView(id, ctx)),
    item && (item.raw.tagSet || item.raw.Tags) ? section('Tags', tags(item.raw)) : null,
  );
}
