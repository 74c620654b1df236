// Transit gateways in the details panel: each route table's associations, propagations
// and routes (static, propagated, blackhole), read with the transit-gateway actions when
// a gateway or table is opened (they are not part of the model's Describe calls).

import { arr, filters } from './api.js';

/** Reads one transit-gateway route table's associations, propagations and routes. */
export async function readTgwTable(api, tableId) {
  const params = { TransitGatewayRouteTableId: tableId };
  const [associations, propagations, routes] = await Promise.all([
    api.all('GetTransitGatewayRouteTableAssociations', params, (r) => r.associations),
    api.all('GetTransitGatewayRouteTablePropagations', params, (r) => r.transitGatewayRouteTablePropagations),
    api
      .call('SearchTransitGatewayRoutes', { ...params, ...filters({ type: ['static', 'propagated'] }) })
      .then((r) => arr(r.routeSet)),
  ]);
  return { associations, propagations, routes };
}

/** Route rows as the table shows them, most specific first: destination, the attachment
 * it goes to (none for a blackhole), the VPC behind it, type and state. */
export function tgwRouteRows(routes) {
  const bits = (cidr) => Number((cidr ?? '').split('/')[1] ?? 0);
  return [...routes]
    .sort((a, b) => bits(b.destinationCidrBlock) - bits(a.destinationCidrBlock) || (a.type === 'static' ? -1 : 1) - (b.type === 'static' ? -1 : 1))
    .map((r) => {
      const target = arr(r.transitGatewayAttachments)[0];
      return {
        destination: r.destinationCidrBlock ?? r.prefixListId ?? '',
        attachment: target?.transitGatewayAttachmentId ?? null,
        resource: target?.resourceId ?? null,
        type: r.type,
        state: r.state,
      };
    });
}

/** The route tables of a transit gateway, its default tables first. */
export function tablesOf(model, tgwId) {
  const g = model.get(tgwId);
  const first = new Set([g?.raw.options?.associationDefaultRouteTableId, g?.raw.options?.propagationDefaultRouteTableId].filter(Boolean));
  return model
    .list('tgwRtb')
    .filter((t) => t.raw.transitGatewayId === tgwId)
    .sort((a, b) => Number(first.has(b.id)) - Number(first.has(a.id)) || a.id.localeCompare(b.id));
}
