//! Every error code openvpc answers, spelled once as AWS spells it on the wire (§4.8).
//!
//! A code is a variant of [`ErrorCode`]; its wire spelling and HTTP status come from the one
//! table below. Tests may compare a code with its wire text (`err.code == "InvalidVpcID.NotFound"`).

macro_rules! error_codes {
    ($($variant:ident = $wire:literal $(/ $status:literal)?,)*) => {
        /// An AWS error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $wire, "`")]
                $variant,
            )*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as AWS spells it on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }

            /// The HTTP status AWS answers this code with (400 unless the table says otherwise).
            pub fn http_status(self) -> u16 {
                match self {
                    $($(ErrorCode::$variant => $status,)?)*
                    #[allow(unreachable_patterns)]
                    _ => 400,
                }
            }
        }
    };
}

error_codes! {
    ActiveVpcPeeringConnectionPerVpcLimitExceeded = "ActiveVpcPeeringConnectionPerVpcLimitExceeded",
    AddressLimitExceeded = "AddressLimitExceeded",
    AnalysisExistsForNetworkInsightsPath = "AnalysisExistsForNetworkInsightsPath",
    AuthFailure = "AuthFailure" / 401,
    AsnConflict = "AsnConflict",
    InvalidCustomerGatewayIDNotFound = "InvalidCustomerGatewayID.NotFound",
    InvalidCustomerGatewayIdMalformed = "InvalidCustomerGatewayId.Malformed",
    InvalidCustomerGatewayState = "InvalidCustomerGatewayState",
    InvalidCustomerGatewayDuplicateIpAddress = "InvalidCustomerGateway.DuplicateIpAddress",
    InvalidVpcState = "InvalidVpcState",
    MalformedArnException = "MalformedArnException",
    UnknownResourceException = "UnknownResourceException",
    InvalidParameterException = "InvalidParameterException",
    MissingRequiredParameterException = "MissingRequiredParameterException",
    OperationNotPermittedException = "OperationNotPermittedException",
    ResourceShareInvitationArnNotFoundException = "ResourceShareInvitationArnNotFoundException",
    ResourceShareInvitationAlreadyAcceptedException = "ResourceShareInvitationAlreadyAcceptedException",
    DuplicateTransitGatewayAttachment = "DuplicateTransitGatewayAttachment",
    InvalidTransitGatewayIDNotFound = "InvalidTransitGatewayID.NotFound",
    InvalidTransitGatewayIDMalformed = "InvalidTransitGatewayID.Malformed",
    InvalidTransitGatewayAttachmentIDNotFound = "InvalidTransitGatewayAttachmentID.NotFound",
    InvalidTransitGatewayAttachmentIDMalformed = "InvalidTransitGatewayAttachmentID.Malformed",
    TransitGatewayAttachmentLimitExceeded = "TransitGatewayAttachmentLimitExceeded",
    TransitGatewayLimitExceeded = "TransitGatewayLimitExceeded",
    TransitGatewayRouteLimitExceeded = "TransitGatewayRouteLimitExceeded",
    TransitGatewayRouteTableLimitExceeded = "TransitGatewayRouteTableLimitExceeded",
    TransitGatewayRouteTablePropagationDuplicate = "TransitGatewayRouteTablePropagation.Duplicate",
    TransitGatewayRouteTablePropagationNotFound = "TransitGatewayRouteTablePropagation.NotFound",
    TransitGatewayRouteTableAssociationNotFound = "TransitGatewayRouteTableAssociation.NotFound",
    InvalidVpnConnectionIDNotFound = "InvalidVpnConnectionID.NotFound",
    InvalidVpnConnectionInvalidState = "InvalidVpnConnection.InvalidState",
    InvalidVpnConnectionInvalidType = "InvalidVpnConnection.InvalidType",
    InvalidVpnGatewayAttachmentNotFound = "InvalidVpnGatewayAttachment.NotFound",
    InvalidVpnGatewayIDNotFound = "InvalidVpnGatewayID.NotFound",
    InvalidVpnGatewayState = "InvalidVpnGatewayState",
    CustomerGatewayLimitExceeded = "CustomerGatewayLimitExceeded",
    VpnConnectionLimitExceeded = "VpnConnectionLimitExceeded",
    VpnGatewayAttachmentLimitExceeded = "VpnGatewayAttachmentLimitExceeded",
    VpnGatewayLimitExceeded = "VpnGatewayLimitExceeded",
    CannotDelete = "CannotDelete",
    CertificateNotFound = "CertificateNotFound",
    CidrLimitExceeded = "CidrLimitExceeded",
    DefaultSubnetAlreadyExistsInAvailabilityZone = "DefaultSubnetAlreadyExistsInAvailabilityZone",
    DefaultVpcAlreadyExists = "DefaultVpcAlreadyExists",
    DefaultVpcDoesNotExist = "DefaultVpcDoesNotExist",
    DependencyViolation = "DependencyViolation",
    DryRunOperation = "DryRunOperation" / 412,
    DuplicateListener = "DuplicateListener",
    DuplicateLoadBalancerName = "DuplicateLoadBalancerName",
    DuplicateSubnetsInSameZone = "DuplicateSubnetsInSameZone",
    DuplicateTagKeys = "DuplicateTagKeys",
    DuplicateTargetGroupName = "DuplicateTargetGroupName",
    ExistingVpcEndpointConnections = "ExistingVpcEndpointConnections",
    FilterLimitExceeded = "FilterLimitExceeded",
    GatewayNotAttached = "Gateway.NotAttached",
    IdempotentParameterMismatch = "IdempotentParameterMismatch",
    IncompatibleProtocols = "IncompatibleProtocols",
    IncompleteSignature = "IncompleteSignature",
    IncorrectInstanceState = "IncorrectInstanceState",
    IncorrectState = "IncorrectState",
    InstanceLimitExceeded = "InstanceLimitExceeded",
    InsufficientCidrBlocks = "InsufficientCidrBlocks",
    InsufficientFreeAddressesInSubnet = "InsufficientFreeAddressesInSubnet",
    InternalError = "InternalError" / 500,
    InternalFailure = "InternalFailure" / 500,
    InternetGatewayLimitExceeded = "InternetGatewayLimitExceeded",
    InvalidAMIIDMalformed = "InvalidAMIID.Malformed",
    InvalidAMIIDNotFound = "InvalidAMIID.NotFound",
    InvalidAction = "InvalidAction",
    InvalidAddressNotFound = "InvalidAddress.NotFound",
    InvalidAllocationIDMalformed = "InvalidAllocationID.Malformed",
    InvalidAllocationIDNotFound = "InvalidAllocationID.NotFound",
    InvalidAssociationIDNotFound = "InvalidAssociationID.NotFound",
    InvalidAttachmentIDNotFound = "InvalidAttachmentID.NotFound",
    InvalidCidrBlockInUse = "InvalidCidrBlock.InUse",
    InvalidClientToken = "InvalidClientToken",
    InvalidClientTokenId = "InvalidClientTokenId" / 403,
    InvalidConfigurationRequest = "InvalidConfigurationRequest",
    InvalidConnectionNotification = "InvalidConnectionNotification",
    InvalidDhcpOptionIDNotFound = "InvalidDhcpOptionID.NotFound",
    InvalidDhcpOptionsIdMalformed = "InvalidDhcpOptionsId.Malformed",
    InvalidEgressOnlyInternetGatewayIdMalformed = "InvalidEgressOnlyInternetGatewayId.Malformed",
    InvalidEgressOnlyInternetGatewayIdNotFound = "InvalidEgressOnlyInternetGatewayId.NotFound",
    InvalidFilter = "InvalidFilter",
    InvalidGatewayIDNotFound = "InvalidGatewayID.NotFound",
    InvalidGatewayLoadBalancerArnMalformed = "InvalidGatewayLoadBalancerArn.Malformed",
    InvalidGatewayLoadBalancerArnNotFound = "InvalidGatewayLoadBalancerArn.NotFound",
    InvalidGroupDuplicate = "InvalidGroup.Duplicate",
    InvalidGroupIdMalformed = "InvalidGroupId.Malformed",
    InvalidGroupInUse = "InvalidGroup.InUse",
    InvalidGroupNotFound = "InvalidGroup.NotFound",
    InvalidGroupReserved = "InvalidGroup.Reserved",
    InvalidID = "InvalidID",
    InvalidIPAddressInUse = "InvalidIPAddress.InUse",
    InvalidInstanceID = "InvalidInstanceID",
    InvalidInstanceIDMalformed = "InvalidInstanceID.Malformed",
    InvalidInstanceIDNotFound = "InvalidInstanceID.NotFound",
    InvalidInternetGatewayIDNotFound = "InvalidInternetGatewayID.NotFound",
    InvalidIpv6PoolIDNotFound = "InvalidIpv6PoolID.NotFound",
    InvalidInternetGatewayIdMalformed = "InvalidInternetGatewayId.Malformed",
    InvalidLoadBalancerAction = "InvalidLoadBalancerAction",
    InvalidNetworkAclEntryNotFound = "InvalidNetworkAclEntry.NotFound",
    InvalidNetworkAclIDNotFound = "InvalidNetworkAclID.NotFound",
    InvalidNetworkAclIdMalformed = "InvalidNetworkAclId.Malformed",
    InvalidNetworkInsightsAnalysisIdMalformed = "InvalidNetworkInsightsAnalysisId.Malformed",
    InvalidNetworkInsightsAnalysisIdNotFound = "InvalidNetworkInsightsAnalysisId.NotFound",
    InvalidNetworkInsightsPathIdNotFound = "InvalidNetworkInsightsPathId.NotFound",
    InvalidNetworkInterfaceIDNotFound = "InvalidNetworkInterfaceID.NotFound",
    InvalidNetworkInterfaceIdMalformed = "InvalidNetworkInterfaceId.Malformed",
    InvalidNetworkInterfaceInUse = "InvalidNetworkInterface.InUse",
    InvalidNetworkLoadBalancerArnMalformed = "InvalidNetworkLoadBalancerArn.Malformed",
    InvalidNetworkLoadBalancerArnNotFound = "InvalidNetworkLoadBalancerArn.NotFound",
    InvalidNextToken = "InvalidNextToken",
    InvalidParameter = "InvalidParameter",
    InvalidParameterCombination = "InvalidParameterCombination",
    FlowLogAlreadyExists = "FlowLogAlreadyExists",
    InvalidFlowLogIdNotFound = "InvalidFlowLogId.NotFound",
    InvalidKeyFormat = "InvalidKey.Format",
    InvalidKeyPairDuplicate = "InvalidKeyPair.Duplicate",
    InvalidKeyPairFormat = "InvalidKeyPair.Format",
    InvalidKeyPairNotFound = "InvalidKeyPair.NotFound",
    InvalidParameterValue = "InvalidParameterValue",
    InvalidPermissionDuplicate = "InvalidPermission.Duplicate",
    InvalidPermissionMalformed = "InvalidPermission.Malformed",
    InvalidPermissionNotFound = "InvalidPermission.NotFound",
    InvalidPolicyDocument = "InvalidPolicyDocument",
    InvalidPrefixListIDNotFound = "InvalidPrefixListID.NotFound",
    InvalidPrefixListIdMalformed = "InvalidPrefixListId.Malformed",
    InvalidPrefixListIdNotFound = "InvalidPrefixListId.NotFound",
    InvalidPrefixListModification = "InvalidPrefixListModification",
    InvalidRouteNotFound = "InvalidRoute.NotFound",
    InvalidRouteTableIDNotFound = "InvalidRouteTableID.NotFound",
    InvalidRouteTableIdMalformed = "InvalidRouteTableId.Malformed",
    InvalidScheme = "InvalidScheme",
    InvalidSecurityGroup = "InvalidSecurityGroup",
    InvalidSecurityGroupRuleIdMalformed = "InvalidSecurityGroupRuleId.Malformed",
    InvalidSecurityGroupRuleIdNotFound = "InvalidSecurityGroupRuleId.NotFound",
    InvalidServiceName = "InvalidServiceName",
    InvalidStateTransition = "InvalidStateTransition",
    InvalidSubnet = "InvalidSubnet",
    InvalidSubnetCidrBlockAssociationIDNotFound = "InvalidSubnetCidrBlockAssociationID.NotFound",
    InvalidSubnetCidrReservationIDMalformed = "InvalidSubnetCidrReservationID.Malformed",
    InvalidSubnetCidrReservationIDNotFound = "InvalidSubnetCidrReservationID.NotFound",
    InvalidSubnetConflict = "InvalidSubnet.Conflict",
    InvalidSubnetIDMalformed = "InvalidSubnetID.Malformed",
    InvalidSubnetIDNotFound = "InvalidSubnetID.NotFound",
    InvalidSubnetRange = "InvalidSubnet.Range",
    InvalidTagKeyMalformed = "InvalidTagKey.Malformed",
    InvalidTarget = "InvalidTarget",
    InvalidVpcCidrBlockAssociationIDNotFound = "InvalidVpcCidrBlockAssociationID.NotFound",
    InvalidVpcEndpointIdMalformed = "InvalidVpcEndpointId.Malformed",
    InvalidVpcEndpointIdNotFound = "InvalidVpcEndpointId.NotFound",
    InvalidVpcEndpointServiceIdIdMalformed = "InvalidVpcEndpointServiceIdId.Malformed",
    InvalidVpcEndpointServiceIdNotFound = "InvalidVpcEndpointServiceId.NotFound",
    InvalidVpcEndpointType = "InvalidVpcEndpointType",
    InvalidVpcIDNotFound = "InvalidVpcID.NotFound",
    InvalidVpcIdMalformed = "InvalidVpcId.Malformed",
    InvalidVpcPeeringConnectionIDNotFound = "InvalidVpcPeeringConnectionID.NotFound",
    InvalidVpcPeeringConnectionIdMalformed = "InvalidVpcPeeringConnectionId.Malformed",
    InvalidVpcPeeringConnectionStateDnsHostnamesDisabled = "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
    InvalidVpcRange = "InvalidVpc.Range",
    ListenerNotFound = "ListenerNotFound",
    LoadBalancerNotFound = "LoadBalancerNotFound",
    MalformedHTTPRequest = "MalformedHTTPRequest",
    MethodNotAllowed = "MethodNotAllowed" / 405,
    MissingAuthenticationToken = "MissingAuthenticationToken" / 401,
    MissingInput = "MissingInput",
    MissingParameter = "MissingParameter",
    NatGatewayLimitExceeded = "NatGatewayLimitExceeded",
    NatGatewayMalformed = "NatGatewayMalformed",
    NatGatewayNotFound = "NatGatewayNotFound",
    NetworkAclEntryAlreadyExists = "NetworkAclEntryAlreadyExists",
    NetworkAclEntryLimitExceeded = "NetworkAclEntryLimitExceeded",
    NetworkInsightsDestinationNotFound = "NetworkInsightsDestination.NotFound",
    NetworkInsightsPathLimitExceeded = "NetworkInsightsPath.LimitExceeded",
    NetworkInsightsSourceNotFound = "NetworkInsightsSource.NotFound",
    NoSuchVersion = "NoSuchVersion",
    OperationNotPermitted = "OperationNotPermitted",
    OutstandingVpcPeeringConnectionLimitExceeded = "OutstandingVpcPeeringConnectionLimitExceeded",
    PrefixListLimitExceeded = "PrefixListLimitExceeded",
    PrefixListVersionMismatch = "PrefixListVersionMismatch",
    PrivateIpAddressLimitExceeded = "PrivateIpAddressLimitExceeded",
    RequestEntityTooLarge = "RequestEntityTooLarge" / 413,
    RequestExpired = "RequestExpired",
    RequestHeaderFieldsTooLarge = "RequestHeaderFieldsTooLarge" / 431,
    RequestLimitExceeded = "RequestLimitExceeded" / 503,
    RequestTimeout = "RequestTimeout" / 408,
    RequestURITooLong = "RequestURITooLong" / 414,
    ResourceAlreadyAssociated = "Resource.AlreadyAssociated",
    ResourceLimitExceeded = "ResourceLimitExceeded",
    ResourceInUse = "ResourceInUse",
    RouteAlreadyExists = "RouteAlreadyExists",
    RouteLimitExceeded = "RouteLimitExceeded",
    RouteTableLimitExceeded = "RouteTableLimitExceeded",
    RulesPerSecurityGroupLimitExceeded = "RulesPerSecurityGroupLimitExceeded",
    SecurityGroupLimitExceeded = "SecurityGroupLimitExceeded",
    SecurityGroupsPerInterfaceLimitExceeded = "SecurityGroupsPerInterfaceLimitExceeded",
    ServiceUnavailable = "ServiceUnavailable" / 503,
    SignatureDoesNotMatch = "SignatureDoesNotMatch" / 403,
    SubnetLimitExceeded = "SubnetLimitExceeded",
    SubnetNotFound = "SubnetNotFound",
    TagLimitExceeded = "TagLimitExceeded",
    TargetGroupAssociationLimit = "TargetGroupAssociationLimit",
    TargetGroupNotFound = "TargetGroupNotFound",
    TooManyActions = "TooManyActions",
    TooManyLoadBalancers = "TooManyLoadBalancers",
    TooManyTags = "TooManyTags",
    TooManyTargetGroups = "TooManyTargetGroups",
    UnauthorizedOperation = "UnauthorizedOperation" / 403,
    Unavailable = "Unavailable" / 503,
    UnknownParameter = "UnknownParameter",
    UnknownPrincipalTypeUnsupported = "UnknownPrincipalType.Unsupported",
    UnsupportedOperation = "UnsupportedOperation",
    VPCIdNotSpecified = "VPCIdNotSpecified",
    ValidationError = "ValidationError",
    VpcEndpointLimitExceeded = "VpcEndpointLimitExceeded",
    VpcLimitExceeded = "VpcLimitExceeded",
    VpcPeeringConnectionAlreadyExists = "VpcPeeringConnectionAlreadyExists",
}

impl ErrorCode {
    /// The code spelled `wire`, if it is in the table.
    pub fn parse(wire: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == wire)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ErrorCode::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_and_is_spelled_once() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
            assert!(seen.insert(c.as_str()), "{c} twice");
        }
        assert_eq!(ErrorCode::DryRunOperation.http_status(), 412);
        assert_eq!(ErrorCode::InvalidVpcIDNotFound.http_status(), 400);
    }
}
