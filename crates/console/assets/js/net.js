// Addresses, CIDR blocks and "which route wins" for the details panel.
//
// The route choice mirrors the spec's route priority (§1.7) as the reachability engine
// applies it: longest prefix first; on an identical prefix a static CIDR route beats a
// prefix-list route, which beats a propagated route; then the lowest prefix-list id, then
// table order. It only explains a table to a reader: every verdict on the page comes from
// the engine (Network Insights), never from here.

function parseV4(text) {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseV6(text) {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) return null;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const groups = (s) => (s ? s.split(':') : []);
  let left = groups(head);
  let right = tail === null ? [] : groups(tail);
  const expand = (gs) => {
    const last = gs[gs.length - 1];
    if (last && last.includes('.')) {
      const v4 = parseV4(last);
      if (v4 === null) return null;
      return [...gs.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    }
    return gs;
  };
  if (tail === null) left = expand(left);
  else right = expand(right);
  if (!left || !right) return null;
  const missing = 8 - left.length - right.length;
  if ((tail === null && missing !== 0) || missing < 0 || (tail !== null && missing < 1)) return null;
  const all = [...left, ...Array(tail === null ? 0 : missing).fill('0'), ...right];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** `{ v: 4|6, n: BigInt }` of an address, or null. */
export function parseIp(text) {
  const t = String(text ?? '').trim();
  const v4 = parseV4(t);
  if (v4 !== null) return { v: 4, n: v4 };
  const v6 = t.includes(':') ? parseV6(t) : null;
  return v6 === null ? null : { v: 6, n: v6 };
}

/** `{ v, net, len }` of a CIDR block (host bits cleared), or null. */
export function parseCidr(text) {
  const [addr, len, extra] = String(text ?? '').trim().split('/');
  if (extra !== undefined || len === undefined || !/^\d{1,3}$/.test(len)) return null;
  const ip = parseIp(addr);
  const bits = ip?.v === 4 ? 32 : 128;
  if (!ip || Number(len) > bits) return null;
  const host = (1n << BigInt(bits - Number(len))) - 1n;
  return { v: ip.v, net: ip.n & ~host, len: Number(len) };
}

export function contains(cidr, ip) {
  if (!cidr || !ip || cidr.v !== ip.v) return false;
  const bits = cidr.v === 4 ? 32 : 128;
  const host = (1n << BigInt(bits - cidr.len)) - 1n;
  return (ip.n & ~host) === cidr.net;
}

/** What a route sends to, as the API names it. */
export function routeTarget(r) {
  return (
    r.gatewayId ||
    r.natGatewayId ||
    r.vpcPeeringConnectionId ||
    r.networkInterfaceId ||
    r.instanceId ||
    r.transitGatewayId ||
    r.egressOnlyInternetGatewayId ||
    r.vpcEndpointId ||
    r.localGatewayId ||
    r.carrierGatewayId ||
    r.coreNetworkArn ||
    '?'
  );
}

/** Where a route goes from, as the API names it. */
export function routeDestination(r) {
  return r.destinationCidrBlock || r.destinationIpv6CidrBlock || r.destinationPrefixListId || '?';
}

/**
 * The route of `routes` (the API's `routeSet` items) that carries traffic to `address`:
 * `{ route, index, prefix }` with the matching prefix (for a prefix-list route, the list's
 * CIDR that matched), or null when none matches. `prefixLists` maps `pl-…` to its CIDRs.
 */
export function routeWinner(routes, address, prefixLists = new Map()) {
  const ip = parseIp(address);
  if (!ip) return null;
  let best = null;
  routes.forEach((route, index) => {
    const pl = route.destinationPrefixListId;
    const candidates = pl ? (prefixLists.get(pl) ?? []) : [routeDestination(route)];
    for (const text of candidates) {
      const cidr = parseCidr(text);
      if (!contains(cidr, ip)) continue;
      const rank = pl ? 1 : route.origin === 'EnableVgwRoutePropagation' ? 2 : 0;
      const key = [cidr.len, rank, pl ?? '', index];
      const better =
        !best ||
        key[0] > best.key[0] ||
        (key[0] === best.key[0] && (key[1] < best.key[1] || (key[1] === best.key[1] && (key[2] < best.key[2] || (key[2] === best.key[2] && key[3] < best.key[3])))));
      if (better) best = { route, index, prefix: text, key };
    }
  });
  if (!best) return null;
  const { key, ...winner } = best;
  return winner;
}

/** Whether text looks like an address (so a trace destination is an IP, not an id). */
export function isAddress(text) {
  return parseIp(text) !== null;
}
