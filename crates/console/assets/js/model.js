// What one account sees in one Region, read through the Describe actions of `KINDS`.
//
// Small accounts are read whole. Beyond LARGE VPCs (an imported real account, say) the
// per-VPC kinds — subnets, instances, interfaces, route tables, ACLs, security groups,
// peerings — are read for a VPC only when it is opened or something inside it is selected
// or searched for, so the page opens on VPCs, gateways, endpoints and services alone.

import { ApiError, AUTH_CODES, arr, filters } from './api.js';
import { KINDS, kindOfId, tag } from './kinds.js';

/** VPC count beyond which per-VPC kinds are read on demand. */
export const LARGE = 40;

/** One resource as the console uses it; `raw` is the API's item. */
export function normalize(kind, raw) {
  const k = KINDS[kind];
  const vpcs = k.vpcs ? k.vpcs(raw).filter(Boolean) : k.vpc && k.vpc(raw) ? [k.vpc(raw)] : [];
  return {
    kind,
    id: k.id(raw),
    label: typeof k.label === 'function' ? k.label(raw) : k.label,
    badge: k.badge,
    name: (k.name ? k.name(raw) : tag(raw, 'Name')) || '',
    vpc: vpcs[0] ?? null,
    vpcs,
    subnets: k.subnets ? k.subnets(raw).filter(Boolean) : [],
    state: (k.state && k.state(raw)) || null,
    address: (k.address && k.address(raw)) || null,
    place: typeof k.place === 'function' ? k.place(raw) : k.place,
    raw,
  };
}

export class Model {
  constructor(account, region) {
    this.account = account;
    this.region = region;
    this.items = new Map();
    this.byKind = new Map(Object.keys(KINDS).map((k) => [k, new Map()]));
    /** VPC id -> kind -> Map id -> item. */
    this.byVpc = new Map();
    this.large = false;
    /** VPCs whose per-VPC kinds are read (all of them unless large). */
    this.detailsLoaded = new Set();
    /** Optional kinds the server does not serve. */
    this.skipped = [];
    /** Describe calls that failed (shown on the page). */
    this.errors = [];
    /** Milliseconds per Describe action (request, transfer and parsing), for the record. */
    this.timings = {};
  }

  add(kind, raw) {
    const item = normalize(kind, raw);
    const old = this.items.get(item.id);
    if (old) for (const v of old.vpcs) this.byVpc.get(v)?.get(old.kind)?.delete(old.id);
    this.items.set(item.id, item);
    this.byKind.get(kind).set(item.id, item);
    for (const v of item.vpcs) {
      if (!this.byVpc.has(v)) this.byVpc.set(v, new Map());
      const kinds = this.byVpc.get(v);
      if (!kinds.has(kind)) kinds.set(kind, new Map());
      kinds.get(kind).set(item.id, item);
    }
    return item;
  }

  get(id) {
    return this.items.get(id);
  }

  list(kind) {
    return [...this.byKind.get(kind).values()];
  }

  /** Items of `kind` in VPC `vpcId`. */
  inVpc(kind, vpcId) {
    const items = this.byVpc.get(vpcId)?.get(kind);
    return items ? [...items.values()] : [];
  }

  hasDetails(vpcId) {
    return !this.large || this.detailsLoaded.has(vpcId);
  }

  /** The route table a subnet uses: its explicit association, else its VPC's main table. */
  routeTableOf(subnetId) {
    const subnet = this.get(subnetId);
    const tables = subnet ? this.inVpc('rtb', subnet.vpc) : [];
    const explicit = tables.find((t) => arr(t.raw.associationSet).some((a) => a.subnetId === subnetId));
    return explicit || tables.find((t) => arr(t.raw.associationSet).some((a) => a.main === 'true')) || null;
  }

  /** The network ACL a subnet is associated with. */
  aclOf(subnetId) {
    const subnet = this.get(subnetId);
    const acls = subnet ? this.inVpc('acl', subnet.vpc) : [];
    return acls.find((a) => arr(a.raw.associationSet).some((x) => x.subnetId === subnetId)) || null;
  }

  /** The item that stands on the page for an id met in an analysis: an instance for its
   * interfaces, an endpoint, NAT gateway or load balancer for theirs, else the item. */
  owner(id) {
    const item = this.get(id);
    if (item?.kind !== 'eni') return item ?? null;
    const instance = item.raw.attachment?.instanceId;
    if (instance && this.get(instance)) return this.get(instance);
    for (const e of this.list('vpce')) if (arr(e.raw.networkInterfaceIdSet).includes(id)) return e;
    for (const n of this.list('nat')) if (arr(n.raw.natGatewayAddressSet).some((a) => a.networkInterfaceId === id)) return n;
    const description = item.raw.description || '';
    if (description.startsWith('ELB ')) {
      const suffix = description.slice(4);
      const lb = this.list('lb').find((l) => l.id.endsWith(`/${suffix}`));
      if (lb) return lb;
    }
    return item;
  }
}

/** Actions this page found the server does not serve (asked once per page). */
const unsupported = new Set();

async function loadKind(api, model, kind, params = {}) {
  const k = KINDS[kind];
  if (unsupported.has(k.action)) {
    if (!model.skipped.includes(kind)) model.skipped.push(kind);
    return;
  }
  try {
    const started = performance.now();
    const list = await api.all(k.action, params, k.list, k.service ?? 'ec2');
    for (const raw of list) model.add(kind, raw);
    model.timings[k.action] = (model.timings[k.action] ?? 0) + Math.round(performance.now() - started);
  } catch (e) {
    if (k.optional && e.code === 'InvalidAction') {
      unsupported.add(k.action);
      if (!model.skipped.includes(kind)) model.skipped.push(kind);
      return;
    }
    if (!(e instanceof ApiError) || AUTH_CODES.has(e.code) || e.code === 'NetworkError') throw e;
    model.errors.push(`${k.action}: ${e.message}`);
  }
}

/** The kinds read for one VPC on demand in a large account. */
const PER_VPC = Object.keys(KINDS).filter((k) => KINDS[k].perVpc);

/** Reads the per-VPC kinds of one VPC (large accounts; a no-op otherwise). */
export async function loadVpcDetails(api, model, vpcId) {
  if (model.hasDetails(vpcId)) return;
  model.detailsLoaded.add(vpcId);
  await Promise.all(
    PER_VPC.flatMap((k) => (KINDS[k].vpcFilters ?? ['vpc-id']).map((f) => loadKind(api, model, k, filters({ [f]: [vpcId] })))),
  );
}

/** Reads one resource by id (one not read yet in a large account) with its VPC's details;
 * resolves to the item, or null when this account has no such resource. */
export async function locate(api, model, id) {
  const found = model.get(id);
  if (found) return found;
  const kind = kindOfId(id);
  const k = kind && KINDS[kind];
  if (!k?.idParam) return null;
  let list;
  try {
    list = await api.all(k.action, { [`${k.idParam}.1`]: id }, k.list, k.service ?? 'ec2');
  } catch {
    return null;
  }
  if (!list.length) return null;
  const item = model.add(kind, list[0]);
  for (const v of item.vpcs) if (model.get(v)) await loadVpcDetails(api, model, v);
  return model.get(id);
}

/** Reads what `account` sees in `region`. `openVpcs`: VPCs whose details a large account
 * had loaded before (a reload keeps them). */
export async function loadModel(api, account, region, openVpcs = []) {
  const model = new Model(account, region);
  const started = performance.now();
  for (const raw of await api.all('DescribeVpcs', {}, KINDS.vpc.list)) model.add('vpc', raw);
  model.timings.DescribeVpcs = Math.round(performance.now() - started);
  model.large = model.byKind.get('vpc').size > LARGE;
  const kinds = Object.keys(KINDS).filter(
    (k) => k !== 'vpc' && !KINDS[k].onDemand && !(model.large && KINDS[k].perVpc),
  );
  await Promise.all(kinds.map((k) => loadKind(api, model, k)));
  if (model.large) {
    await Promise.all(openVpcs.filter((v) => model.get(v)).map((v) => loadVpcDetails(api, model, v)));
  }
  return model;
}
