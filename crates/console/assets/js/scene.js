// From the model to what the layout places: VPC boxes with zones, subnets and chips,
// boxes for peer VPCs outside this account or Region, services, and the links between
// them. Pure (no DOM), so it is tested with the layout.

import { arr } from './api.js';
import { KINDS, shortId } from './kinds.js';

/** State words shown next to colours (peering, endpoint and resource states). */
export function stateWords(state) {
  return state ? String(state).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/-/g, ' ').toLowerCase() : '';
}

/** States not worth a word on a chip (the usual, working ones). */
const NORMAL = new Set(['available', 'in-use', 'running', 'active', 'attached']);

/** Attachment states that no longer carry traffic nor get a line. */
const GONE = new Set(['deleted', 'deleting', 'rejected', 'failed']);

/** A chip: the badge says what it is; the title is its name, else its address, else its
 * kind in words; the line under it its id (and its address when the title is a name). */
function chip(item, key = item.id) {
  const lines = [shortId(item.id)];
  const extra = [item.name ? item.address : null, item.state && !NORMAL.has(item.state) ? stateWords(item.state) : null]
    .filter(Boolean)
    .join(' · ');
  if (extra) lines.push(extra);
  return { key, id: item.id, kind: item.kind, badge: item.badge, title: item.name || item.address || item.label, lines, state: item.state };
}

function serviceLabel(name, region) {
  if (name.includes('.vpce-svc-') || name.startsWith('com.amazonaws.vpce.')) return 'PrivateLink service';
  const short = name.replace(`com.amazonaws.${region}.`, '');
  return `AWS service ${short === 's3' ? 'S3' : short === 'dynamodb' ? 'DynamoDB' : short}`;
}

/** How many of each kind a collapsed VPC holds, in words. */
function summary(model, vpcId) {
  const n = (kind) => model.inVpc(kind, vpcId).length;
  if (!model.hasDetails(vpcId)) return 'open (+) to read its subnets';
  return `${n('subnet')} subnets · ${n('instance')} instances`;
}

/**
 * The scene of a model. `isCollapsed(vpcId)` says which VPCs are drawn small.
 */
export function buildScene(model, isCollapsed) {
  const vpcs = [];
  const links = [];
  const services = new Map();
  const visible = new Map(); // item id -> keys where it is drawn

  const show = (id, key) => {
    if (!visible.has(id)) visible.set(id, []);
    visible.get(id).push(key);
  };

  for (const vpc of model.list('vpc')) {
    const collapsed = isCollapsed(vpc.id);
    const cidrs = arr(vpc.raw.cidrBlockAssociationSet)
      .filter((c) => c.cidrBlockState?.state !== 'disassociated')
      .map((c) => c.cidrBlock);
    const ipv6 = arr(vpc.raw.ipv6CidrBlockAssociationSet).map((c) => c.ipv6CidrBlock);
    const box = {
      key: vpc.id,
      id: vpc.id,
      kind: 'vpc',
      badge: 'VPC',
      title: vpc.name || (vpc.raw.isDefault === 'true' ? 'default VPC' : 'VPC'),
      lines: [vpc.id, [...(cidrs.length ? cidrs : [vpc.raw.cidrBlock]), ...ipv6].join(', ')],
      state: vpc.state,
      collapsed,
      summary: summary(model, vpc.id),
    };
    show(vpc.id, vpc.id);
    if (!collapsed) {
      box.edge = [];
      box.footer = [];
      const zones = new Map();
      for (const s of model.inVpc('subnet', vpc.id)) {
        const zone = s.raw.availabilityZone;
        if (!zones.has(zone)) zones.set(zone, { name: zone, sub: s.raw.availabilityZoneId, subnets: [] });
        zones.get(zone).subnets.push({
          key: s.id,
          id: s.id,
          kind: 'subnet',
          badge: 'SUB',
          title: s.name || 'subnet',
          lines: [s.id, s.raw.cidrBlock || arr(s.raw.ipv6CidrBlockAssociationSet)[0]?.ipv6CidrBlock],
          state: s.state,
          chips: [],
        });
        show(s.id, s.id);
      }
      const subnetBox = new Map([...zones.values()].flatMap((z) => z.subnets.map((s) => [s.id, s])));
      for (const kind of Object.keys(KINDS)) {
        for (const item of model.inVpc(kind, vpc.id)) {
          if (item.place === 'edge') {
            box.edge.push(chip(item));
            show(item.id, item.id);
          } else if (item.place === 'footer') {
            box.footer.push(chip(item));
            show(item.id, item.id);
          } else if (item.place === 'subnet') {
            for (const sid of item.subnets) {
              const s = subnetBox.get(sid);
              if (!s) continue;
              const key = item.subnets.length > 1 ? `${item.id}@${sid}` : item.id;
              s.chips.push(chip(item, key));
              show(item.id, key);
            }
          }
        }
      }
      for (const z of zones.values()) z.subnets.sort((a, b) => a.lines[1].localeCompare(b.lines[1], 'en', { numeric: true }));
      box.zones = [...zones.values()].sort((a, b) => a.name.localeCompare(b.name));
      box.footer.sort((a, b) => a.id.localeCompare(b.id));
    }
    vpcs.push(box);
  }

  // Where a link to an item attaches: the item's chips when drawn, else its VPC's box.
  const anchors = (item) => visible.get(item.id) ?? (item.vpc && visible.has(item.vpc) ? [item.vpc] : []);

  // Peer VPCs outside this account or Region, as seen through the peering.
  const externals = new Map();
  for (const p of model.list('pcx')) {
    const ends = [p.raw.requesterVpcInfo, p.raw.accepterVpcInfo].map((info) => {
      if (!info?.vpcId) return null;
      if (model.get(info.vpcId)) return info.vpcId;
      const key = `ext:${info.vpcId}`;
      if (!externals.has(key)) {
        const where = [info.ownerId !== model.account ? `account ${info.ownerId}` : null, info.region && info.region !== model.region ? info.region : null]
          .filter(Boolean)
          .join(', ');
        externals.set(key, {
          key,
          id: info.vpcId,
          kind: 'external',
          badge: 'PEER',
          title: 'peer VPC',
          lines: [info.vpcId, [where, info.cidrBlock].filter(Boolean).join(' · ')],
          external: true,
        });
        show(info.vpcId, key);
      }
      return key;
    });
    if (!ends[0] || !ends[1]) continue;
    links.push({
      key: p.id,
      id: p.id,
      kind: 'pcx',
      from: ends[0],
      to: ends[1],
      state: p.state,
      label: `${p.id} · ${stateWords(p.state)}`,
    });
  }

  // Transit gateways: a hub box each, a line to every VPC attached to it (the line is the
  // attachment; a VPC of another account or Region gets a box of its own).
  // A gateway of another account that this account's VPCs attach to is drawn too.
  const gateways = new Set([...model.list('tgw').map((g) => g.id), ...model.list('tgwAttachment').map((a) => a.raw.transitGatewayId)]);
  for (const id of gateways) {
    if (!id) continue;
    const g = model.get(id);
    const key = `tgw:${id}`;
    const attachments = model.list('tgwAttachment').filter((a) => a.raw.transitGatewayId === id && !GONE.has(a.state));
    if (!g && !attachments.length) continue;
    const count = `${attachments.length} attachment${attachments.length === 1 ? '' : 's'}`;
    externals.set(key, {
      key,
      id,
      kind: 'tgw',
      badge: 'TGW',
      title: g ? g.name || 'transit gateway' : 'transit gateway (shared)',
      lines: [id, g ? `${count} · ASN ${g.raw.options?.amazonSideAsn ?? '?'}` : `${count} · shared with this account`],
      state: g?.state ?? null,
      hub: true,
    });
    show(id, key);
    for (const a of attachments) {
      const vpcKey = model.get(a.vpc) ? a.vpc : `ext:${a.vpc}`;
      if (!model.get(a.vpc) && !externals.has(vpcKey)) {
        externals.set(vpcKey, { key: vpcKey, id: a.vpc, kind: 'external', badge: 'VPC', title: 'attached VPC', lines: [a.vpc, `account ${a.raw.vpcOwnerId ?? '?'}`], external: true });
        show(a.vpc, vpcKey);
      }
      links.push({ key: a.id, id: a.id, kind: 'tgw', from: vpcKey, to: key, state: a.state, label: NORMAL.has(a.state) ? '' : stateWords(a.state) });
    }
  }

  // Transit-gateway peering: a line between the two gateways' hubs (a gateway of another
  // account or Region gets a hub box of its own).
  for (const p of model.list('tgwPeering')) {
    if (GONE.has(p.state)) continue;
    const ends = [p.raw.requesterTgwInfo, p.raw.accepterTgwInfo].map((info) => {
      const id = info?.transitGatewayId;
      if (!id) return null;
      const key = `tgw:${id}`;
      if (!externals.has(key)) {
        externals.set(key, { key, id, kind: 'tgw', badge: 'TGW', title: 'peer transit gateway', lines: [id, `account ${info.ownerId ?? '?'} · ${info.region ?? '?'}`], external: true, hub: true });
        show(id, key);
      }
      return key;
    });
    if (!ends[0] || !ends[1]) continue;
    links.push({ key: p.id, id: p.id, kind: 'tgw-peering', from: ends[0], to: ends[1], state: p.state, label: `${p.id} · ${stateWords(p.state)}` });
  }

  // Services: the provider's own, and those its endpoints use.
  const service = (name, make) => {
    const key = `svc:${name}`;
    if (!services.has(key)) services.set(key, { key, ...make() });
    return key;
  };
  for (const s of model.list('svc')) {
    const key = service(s.raw.serviceName, () => ({
      id: s.id,
      kind: 'svc',
      badge: 'SVC',
      title: `endpoint service (yours)${s.name ? `: ${s.name}` : ''}`,
      lines: [s.id, `${stateWords(s.state)} · acceptance ${s.raw.acceptanceRequired === 'true' ? 'required' : 'not required'}`],
      state: s.state,
    }));
    show(s.id, key);
    for (const arn of arr(s.raw.networkLoadBalancerArnSet)) {
      const lb = model.get(arn);
      for (const a of lb ? anchors(lb) : []) links.push({ key: `${s.id}>${a}`, id: s.id, kind: 'svc-lb', from: key, to: a, state: lb.state, label: '' });
    }
  }
  const seenLinks = new Set();
  for (const e of model.list('vpce')) {
    const name = e.raw.serviceName;
    if (!name) continue;
    const key = service(name, () => ({
      id: name,
      kind: 'service',
      badge: name.includes('vpce-svc-') ? 'SVC' : 'AWS',
      title: serviceLabel(name, model.region),
      lines: [shortId(name.includes('vpce-svc-') ? name.slice(name.indexOf('vpce-svc-')) : name), ''],
    }));
    show(name, key);
    for (const a of anchors(e)) {
      if (seenLinks.has(`${a}|${key}`)) continue;
      seenLinks.add(`${a}|${key}`);
      links.push({ key: `${e.id}>${key}@${a}`, id: e.id, kind: 'endpoint', from: a, to: key, state: e.state, label: stateWords(e.state) === 'available' ? '' : stateWords(e.state) });
    }
  }

  return { vpcs, externals: [...externals.values()], services: [...services.values()], links, visible };
}
