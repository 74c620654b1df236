// What the console reads and draws: one entry per kind of resource.
//
// Adding a kind is one entry here: the Describe action and its list, how to find the
// item's id, VPC and subnet(s), where it is drawn (`place`), and a short badge. Kinds the
// server may not serve (an older server answers InvalidAction)
// are `optional` and simply skipped, so they appear as soon as the server learns them.
//
// `perVpc` kinds are read per VPC in a large account (with the `vpc-id` filter, or each of
// `vpcFilters`). `idParam` names the Describe parameter that asks for one id (how the page finds an id it
// has not read yet, in a large account).
//
// place:
//   'vpc'     a VPC box                     'zone'  a subnet box inside its VPC, by zone
//   'subnet'  a chip inside its subnet(s)   'edge'  a chip on its VPC's top edge
//   'footer'  a chip on its VPC's bottom    'link'  an edge between VPCs
//   'service' a box in the services row     'hub'   a box of its own, lines to its VPCs
//   null      details only (not drawn)

import { arr } from './api.js';

const tag = (x, key) => arr(x.tagSet).find((t) => t.key === key)?.value;

export const KINDS = {
  vpc: {
    label: 'VPC',
    badge: 'VPC',
    action: 'DescribeVpcs',
    idParam: 'VpcId',
    list: (r) => r.vpcSet,
    id: (x) => x.vpcId,
    vpc: (x) => x.vpcId,
    state: (x) => x.state,
    place: 'vpc',
  },
  subnet: {
    label: 'subnet',
    badge: 'SUB',
    action: 'DescribeSubnets',
    idParam: 'SubnetId',
    list: (r) => r.subnetSet,
    id: (x) => x.subnetId,
    vpc: (x) => x.vpcId,
    state: (x) => x.state,
    place: 'zone',
    perVpc: true,
  },
  igw: {
    label: 'internet gateway',
    badge: 'IGW',
    action: 'DescribeInternetGateways',
    idParam: 'InternetGatewayId',
    list: (r) => r.internetGatewaySet,
    id: (x) => x.internetGatewayId,
    vpcs: (x) => arr(x.attachmentSet).map((a) => a.vpcId),
    state: (x) => arr(x.attachmentSet)[0]?.state ?? 'detached',
    place: 'edge',
  },
  eigw: {
    label: 'egress-only internet gateway',
    badge: 'EIGW',
    action: 'DescribeEgressOnlyInternetGateways',
    list: (r) => r.egressOnlyInternetGatewaySet,
    id: (x) => x.egressOnlyInternetGatewayId,
    vpcs: (x) => arr(x.attachmentSet).map((a) => a.vpcId),
    state: (x) => arr(x.attachmentSet)[0]?.state ?? 'detached',
    place: 'edge',
    optional: true,
  },
  vgw: {
    label: 'VPN gateway',
    badge: 'VGW',
    action: 'DescribeVpnGateways',
    list: (r) => r.vpnGatewaySet,
    id: (x) => x.vpnGatewayId,
    vpcs: (x) => arr(x.attachments).filter((a) => a.state !== 'detached').map((a) => a.vpcId),
    state: (x) => x.state,
    place: 'edge',
    optional: true,
  },
  tgw: {
    label: 'transit gateway',
    badge: 'TGW',
    action: 'DescribeTransitGateways',
    idParam: 'TransitGatewayIds',
    list: (r) => r.transitGatewaySet,
    id: (x) => x.transitGatewayId,
    state: (x) => x.state,
    place: 'hub',
    optional: true,
  },
  tgwRtb: {
    label: 'transit gateway route table',
    badge: 'TGW-RTB',
    action: 'DescribeTransitGatewayRouteTables',
    idParam: 'TransitGatewayRouteTableIds',
    list: (r) => r.transitGatewayRouteTables,
    id: (x) => x.transitGatewayRouteTableId,
    state: (x) => x.state,
    place: null,
    optional: true,
  },
  tgwAttachment: {
    label: 'transit gateway attachment',
    badge: 'TGW',
    action: 'DescribeTransitGatewayVpcAttachments',
    list: (r) => r.transitGatewayVpcAttachments,
    id: (x) => x.transitGatewayAttachmentId,
    vpc: (x) => x.vpcId,
    state: (x) => x.state,
    place: 'edge',
    optional: true,
  },
  tgwPeering: {
    label: 'transit gateway peering attachment',
    badge: 'TGW-PEER',
    action: 'DescribeTransitGatewayPeeringAttachments',
    idParam: 'TransitGatewayAttachmentIds',
    list: (r) => r.transitGatewayPeeringAttachments,
    id: (x) => x.transitGatewayAttachmentId,
    state: (x) => x.state,
    place: null,
    optional: true,
  },
  nat: {
    label: 'NAT gateway',
    badge: 'NAT',
    action: 'DescribeNatGateways',
    idParam: 'NatGatewayId',
    list: (r) => r.natGatewaySet,
    id: (x) => x.natGatewayId,
    vpc: (x) => x.vpcId,
    subnets: (x) => [x.subnetId],
    state: (x) => x.state,
    address: (x) => arr(x.natGatewayAddressSet)[0]?.privateIp,
    place: 'subnet',
  },
  instance: {
    label: 'instance',
    badge: 'EC2',
    action: 'DescribeInstances',
    idParam: 'InstanceId',
    list: (r) => arr(r.reservationSet).flatMap((rs) => arr(rs.instancesSet)),
    id: (x) => x.instanceId,
    vpc: (x) => x.vpcId,
    subnets: (x) => [x.subnetId],
    state: (x) => x.instanceState?.name,
    address: (x) => x.privateIpAddress,
    place: 'subnet',
    perVpc: true,
  },
  eni: {
    label: 'network interface',
    badge: 'ENI',
    action: 'DescribeNetworkInterfaces',
    idParam: 'NetworkInterfaceId',
    list: (r) => r.networkInterfaceSet,
    id: (x) => x.networkInterfaceId,
    vpc: (x) => x.vpcId,
    subnets: (x) => [x.subnetId],
    state: (x) => x.status,
    address: (x) => x.privateIpAddress,
    // Drawn on its own only when nothing else stands for it (an instance, an endpoint,
    // a load balancer or a NAT gateway owns the others).
    place: (x) =>
      !x.attachment?.instanceId && (x.interfaceType ?? 'interface') === 'interface' && x.requesterManaged !== 'true'
        ? 'subnet'
        : null,
    perVpc: true,
  },
  vpce: {
    label: (x) => (x.vpcEndpointType === 'Gateway' ? 'gateway endpoint' : `${(x.vpcEndpointType || 'interface').toLowerCase()} endpoint`),
    badge: 'VPCE',
    action: 'DescribeVpcEndpoints',
    idParam: 'VpcEndpointId',
    list: (r) => r.vpcEndpointSet,
    id: (x) => x.vpcEndpointId,
    vpc: (x) => x.vpcId,
    subnets: (x) => arr(x.subnetIdSet),
    state: (x) => x.state,
    place: (x) => (x.vpcEndpointType === 'Gateway' ? 'edge' : 'subnet'),
  },
  lb: {
    service: 'elasticloadbalancing',
    label: (x) => `${x.Type || 'network'} load balancer`,
    badge: 'LB',
    action: 'DescribeLoadBalancers',
    list: (r) => r.LoadBalancers,
    id: (x) => x.LoadBalancerArn,
    name: (x) => x.LoadBalancerName,
    vpc: (x) => x.VpcId,
    subnets: (x) => arr(x.AvailabilityZones).map((z) => z.SubnetId),
    state: (x) => x.State?.Code,
    place: 'subnet',
  },
  rtb: {
    label: (x) => (arr(x.associationSet).some((a) => a.main === 'true') ? 'main route table' : 'route table'),
    badge: 'RTB',
    action: 'DescribeRouteTables',
    idParam: 'RouteTableId',
    list: (r) => r.routeTableSet,
    id: (x) => x.routeTableId,
    vpc: (x) => x.vpcId,
    place: 'footer',
    perVpc: true,
  },
  acl: {
    label: 'network ACL',
    badge: 'ACL',
    action: 'DescribeNetworkAcls',
    idParam: 'NetworkAclId',
    list: (r) => r.networkAclSet,
    id: (x) => x.networkAclId,
    vpc: (x) => x.vpcId,
    place: null,
    perVpc: true,
  },
  sg: {
    label: 'security group',
    badge: 'SG',
    action: 'DescribeSecurityGroups',
    idParam: 'GroupId',
    list: (r) => r.securityGroupInfo,
    id: (x) => x.groupId,
    name: (x) => tag(x, 'Name') || x.groupName,
    vpc: (x) => x.vpcId,
    place: null,
    perVpc: true,
  },
  pcx: {
    label: 'peering connection',
    badge: 'PCX',
    action: 'DescribeVpcPeeringConnections',
    idParam: 'VpcPeeringConnectionId',
    list: (r) => r.vpcPeeringConnectionSet,
    id: (x) => x.vpcPeeringConnectionId,
    vpcs: (x) => [x.requesterVpcInfo?.vpcId, x.accepterVpcInfo?.vpcId].filter(Boolean),
    state: (x) => x.status?.code,
    place: 'link',
    // A large account's peerings are read per VPC, from either side.
    perVpc: true,
    vpcFilters: ['requester-vpc-info.vpc-id', 'accepter-vpc-info.vpc-id'],
  },
  svc: {
    label: 'endpoint service',
    badge: 'SVC',
    action: 'DescribeVpcEndpointServiceConfigurations',
    list: (r) => r.serviceConfigurationSet,
    id: (x) => x.serviceId,
    state: (x) => (x.serviceState || '').toLowerCase(),
    place: 'service',
  },
  nip: {
    label: 'network insights path',
    badge: 'NIP',
    action: 'DescribeNetworkInsightsPaths',
    list: (r) => r.networkInsightsPathSet,
    id: (x) => x.networkInsightsPathId,
    place: null,
    onDemand: true,
  },
};

/** The kind of an id by its prefix (`eni-…` → eni), for ids met in analyses. */
export function kindOfId(id) {
  if (!id) return null;
  if (id.startsWith('arn:aws:elasticloadbalancing')) {
    if (id.includes(':loadbalancer/')) return 'lb';
    if (id.includes(':listener/')) return 'listener';
    if (id.includes(':targetgroup/')) return 'targetgroup';
  }
  if (id.startsWith('com.amazonaws.')) return 'service';
  const prefix = id.slice(0, id.lastIndexOf('-'));
  return (
    {
      vpc: 'vpc',
      subnet: 'subnet',
      igw: 'igw',
      eigw: 'eigw',
      vgw: 'vgw',
      nat: 'nat',
      i: 'instance',
      eni: 'eni',
      vpce: 'vpce',
      'vpce-svc': 'svc',
      rtb: 'rtb',
      acl: 'acl',
      sg: 'sg',
      pcx: 'pcx',
      pl: 'pl',
      tgw: 'tgw',
      'tgw-rtb': 'tgwRtb',
      'tgw-attach': 'tgwAttachment',
    }[prefix] ?? null
  );
}

/** Words for a component kind in a path (the analyzer's component types, in plain words). */
export function kindWords(id) {
  const k = kindOfId(id);
  if (k === 'listener') return 'listener';
  if (k === 'targetgroup') return 'target group';
  if (k === 'service') return 'AWS service';
  if (k === 'pl') return 'prefix list';
  const kind = KINDS[k];
  if (!kind) return 'component';
  return typeof kind.label === 'function' ? kind.label({}) : kind.label;
}

/** A short, readable form of an id: ELB ARNs by their resource part. */
export function shortId(id) {
  if (id && id.startsWith('arn:')) return id.split(':').slice(5).join(':');
  return id;
}

export { tag };
