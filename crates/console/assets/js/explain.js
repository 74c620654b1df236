// What the Reachability Analyzer's explanation codes mean, in a line each. The page shows
// the code, this line, the component and rule from the analysis, and what to change in the
// engine's own words (GET /_openvpc/explanations); this table is the heading above them.

export const CODES = {
  NO_SOURCE_OR_DESTINATION: 'The source or destination does not exist (or this account cannot see it).',
  ENI_SG_RULES_MISMATCH: 'No security group rule of the interface allows this traffic.',
  SG_HAS_NO_RULES: 'The interface has no security group that could allow this traffic.',
  SG_REFERENCES_NOT_PRESERVED: 'A rule refers to a security group, but the packet arrives without its source group.',
  SUBNET_ACL_RESTRICTION: "The subnet's network ACL denies this traffic.",
  NO_ROUTE_TO_DESTINATION: 'The route table has no route to the destination.',
  BAD_STATE_ROUTE: 'The route that matches leads nowhere (blackhole): its target is gone or not active.',
  VPC_LOCAL_ROUTE_CIDR_RESTRICTION: 'The address is outside the CIDR blocks of the VPC the local route covers.',
  PCX_REQUIRES_ADDRESS_IN_VPC_CIDR: 'A peering connection delivers only to addresses in the peer VPC (peering is not transitive, and there is no edge-to-edge routing).',
  IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: 'To use an internet gateway, the source needs a public or Elastic IP address.',
  IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS: 'An internet gateway does not carry traffic to private (RFC 1918) addresses.',
  NGW_REQUIRES_SOURCE_IN_VPC: "A NAT gateway only translates traffic from its own VPC's addresses.",
  ENI_SOURCE_DEST_CHECK_RESTRICTION: 'The interface drops traffic not addressed to it (source/destination check is on).',
  VPCE_GATEWAY_PROTOCOL_RESTRICTION: 'A gateway endpoint carries TCP (and ICMP echo) only.',
  VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION: "A gateway endpoint only carries traffic from its own VPC's addresses.",
  CANNOT_ROUTE: 'The traffic cannot be routed.',
  UNSUPPORTED_COMPONENT: 'A component on the path is not supported by the analysis.',
  UNKNOWN_RESOURCE: 'A component on the path is not in the imported data, so the analysis cannot decide past it.',
  BAD_STATE: 'A component on the path is not in a working state (pending, rejected, deleted…).',
  PROTOCOL_RESTRICTION: 'The component does not carry this protocol (an interface endpoint carries TCP only).',
  VPCE_INTRA_VPC_TRAFFIC: 'An interface endpoint only answers its consumers; it does not open connections (PrivateLink is one-way).',
  VPCE_SERVICE_NOT_INSTALLED_IN_AZ: "The endpoint service's load balancer is not in this endpoint's Availability Zone.",
  NO_POSSIBLE_DESTINATION: 'Nothing beyond this component takes the traffic (no listener for the port, or no target).',
  ELBV2_LISTENER_HAS_NO_TG: "The load balancer listener's target group does not exist.",
  ELB_INSTALLED_AZ_RESTRICTION: 'The target is in an Availability Zone the load balancer is not enabled in.',
};

/** The codes that say the engine cannot decide rather than that something blocks
 * (the engine's `Code::is_unknown`). */
export const UNKNOWN_CODES = new Set(['UNSUPPORTED_COMPONENT', 'UNKNOWN_RESOURCE']);

/** The one-line meaning of a code. */
export function meaning(code) {
  return CODES[code] ?? 'The analysis names this code; see the Reachability Analyzer explanation codes.';
}

/** The rule an explanation names, in words: an ACL entry, a security group rule, a route. */
export function ruleWords(e) {
  if (e.aclRule) {
    const r = e.aclRule;
    const ports = r.portRange ? ` ports ${r.portRange.from}-${r.portRange.to}` : '';
    const number = r.ruleNumber === '32767' ? '* (the default deny)' : r.ruleNumber;
    return `${r.egress === 'true' ? 'outbound' : 'inbound'} rule ${number}: ${r.ruleAction} ${r.protocol}${ports} ${r.cidr}`;
  }
  if (e.routeTableRoute) {
    const r = e.routeTableRoute;
    const to = r.gatewayId || r.vpcPeeringConnectionId || r.natGatewayId || r.networkInterfaceId || r.instanceId || r.transitGatewayId || r.egressOnlyInternetGatewayId || '';
    return `route ${r.destinationCidr || r.destinationPrefixListId} → ${to} (${r.state})`;
  }
  if (e.securityGroupRule) {
    const r = e.securityGroupRule;
    const ports = r.portRange ? ` ports ${r.portRange.from}-${r.portRange.to}` : '';
    return `${r.direction} rule of ${r.securityGroupId}: ${r.protocol}${ports} ${r.cidr || r.prefixListId || ''}`;
  }
  return '';
}
