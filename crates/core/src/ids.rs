//! Deterministic identifiers. The generator's state is part of the [`crate::World`], so a
//! replayed journal hands out exactly the ids that were acknowledged.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode};

/// A seeded splitmix64 generator of AWS-shaped identifiers and random tokens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdGen {
    state: u64,
}

impl IdGen {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        IdGen { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A new id of `kind`: its prefix, `-`, then 17 lowercase hex digits (AWS's id shape).
    pub fn id(&mut self, kind: Kind) -> String {
        let prefix = kind.prefix();
        let mut id = String::with_capacity(prefix.len() + 18);
        id.push_str(prefix);
        id.push('-');
        self.push_hex17(&mut id);
        id
    }

    /// 17 random lowercase hex digits, the part of an id after its prefix.
    pub fn hex17(&mut self) -> String {
        let mut hex = String::with_capacity(17);
        self.push_hex17(&mut hex);
        hex
    }

    /// Appends [`IdGen::hex17`]'s digits: one from the low nibble of one draw, then the
    /// 16 of the next (no formatting machinery: ids are made on every create).
    fn push_hex17(&mut self, out: &mut String) {
        let high = self.next_u64() & 0xf;
        let low = self.next_u64();
        let mut text = [HEX[high as usize]; 17];
        for (pair, byte) in text[1..].chunks_exact_mut(2).zip(low.to_be_bytes()) {
            pair.copy_from_slice(&hex_pair(byte));
        }
        out.push_str(ascii_str(&text));
    }

    /// `n` random lowercase alphanumeric characters (DNS labels, verification tokens).
    pub fn token(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| ALPHABET[(self.next_u64() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    /// A MAC address: `first` (e.g. `0x02`, locally administered unicast) then five random
    /// octets.
    pub fn mac(&mut self, first: u8) -> String {
        let b = self.next_u64().to_be_bytes();
        format!(
            "{first:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4]
        )
    }

    /// A random UUID-shaped string (request ids, reservation-free tokens): version 4,
    /// variant 10, built digit by digit (one per request, so no formatting machinery).
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        // The 128 bits, with the version nibble and variant bits set.
        let bits = (u128::from(a) << 64 | u128::from(b)) & !(0xf << 76) & !(0x3 << 62)
            | (0x4 << 76)
            | (0x2 << 62);
        // Two digits per byte, big-endian, leaving the dashes before bytes 4, 6, 8 and 10.
        let mut text = [b'-'; 36];
        let mut at = 0;
        for (i, byte) in bits.to_be_bytes().into_iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                at += 1;
            }
            text[at..at + 2].copy_from_slice(&hex_pair(byte));
            at += 2;
        }
        ascii_string(&text)
    }
}

/// Lowercase hex digits by value.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// A byte's two lowercase hex digits.
fn hex_pair(byte: u8) -> [u8; 2] {
    [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]]
}

/// Digits written into a byte array as text (pushing them one `char` at a time checks the
/// capacity and encodes each).
fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("ASCII digits")
}

fn ascii_string(bytes: &[u8]) -> String {
    ascii_str(bytes).to_owned()
}

/// Whether `id` has the shape `<prefix>-` + 8 or 17 lowercase hex digits.
pub fn is_well_formed(id: &str, prefix: &str) -> bool {
    let Some(rest) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    (rest.len() == 8 || rest.len() == 17)
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

macro_rules! kinds {
    ($(
        $(#[$doc:meta])*
        $kind:ident = $prefix:literal
            $(, not found $nf_code:ident $nf_text:literal)?
            $(, malformed $bad_code:ident)?;
    )*) => {
        /// Every kind of resource openvpc hands out ids for: the one table of id prefixes,
        /// and of the codes and messages AWS uses when such an id is unknown or malformed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $($(#[$doc])* $kind,)*
        }

        impl Kind {
            /// Every kind, in table order.
            pub const ALL: &[Kind] = &[$(Kind::$kind,)*];

            /// The id prefix (before the `-` and the hex digits).
            pub fn prefix(self) -> &'static str {
                match self {
                    $(Kind::$kind => $prefix,)*
                }
            }

            /// The NotFound code and message template (`{id}` stands for the id), if AWS has one.
            fn not_found_spec(self) -> Option<(ErrorCode, &'static str)> {
                match self {
                    $($(Kind::$kind => Some((ErrorCode::$nf_code, $nf_text)),)?)*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }

            /// The code AWS answers an id of this kind with when it is malformed.
            fn malformed_code(self) -> Option<ErrorCode> {
                match self {
                    $($(Kind::$kind => Some(ErrorCode::$bad_code),)?)*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    Vpc = "vpc", not found InvalidVpcIDNotFound "The vpc ID '{id}' does not exist",
        malformed InvalidVpcIdMalformed;
    VpcCidrAssociation = "vpc-cidr-assoc";
    Subnet = "subnet", not found InvalidSubnetIDNotFound "The subnet ID '{id}' does not exist",
        malformed InvalidSubnetIDMalformed;
    SubnetCidrAssociation = "subnet-cidr-assoc";
    SubnetCidrReservation = "scr",
        not found InvalidSubnetCidrReservationIDNotFound
            "The subnetCidrReservation ID '{id}' does not exist",
        malformed InvalidSubnetCidrReservationIDMalformed;
    RouteTable = "rtb",
        not found InvalidRouteTableIDNotFound "The routeTable ID '{id}' does not exist",
        malformed InvalidRouteTableIdMalformed;
    RouteTableAssociation = "rtbassoc",
        not found InvalidAssociationIDNotFound "The association ID '{id}' does not exist";
    InternetGateway = "igw",
        not found InvalidInternetGatewayIDNotFound "The internetGateway ID '{id}' does not exist",
        malformed InvalidInternetGatewayIdMalformed;
    EgressOnlyInternetGateway = "eigw",
        not found InvalidEgressOnlyInternetGatewayIdNotFound
            "The egressOnlyInternetGateway ID '{id}' does not exist",
        malformed InvalidEgressOnlyInternetGatewayIdMalformed;
    NatGateway = "nat", not found NatGatewayNotFound "NAT gateway {id} was not found",
        malformed NatGatewayMalformed;
    /// An Elastic IP address (its allocation id).
    Address = "eipalloc",
        not found InvalidAllocationIDNotFound "The allocation ID '{id}' does not exist",
        malformed InvalidAllocationIDMalformed;
    AddressAssociation = "eipassoc",
        not found InvalidAssociationIDNotFound "The association ID '{id}' does not exist";
    DhcpOptions = "dopt",
        not found InvalidDhcpOptionIDNotFound "The dhcpOption ID '{id}' does not exist",
        malformed InvalidDhcpOptionsIdMalformed;
    NetworkAcl = "acl",
        not found InvalidNetworkAclIDNotFound "The networkAcl ID '{id}' does not exist",
        malformed InvalidNetworkAclIdMalformed;
    NetworkAclAssociation = "aclassoc",
        not found InvalidAssociationIDNotFound "The association ID '{id}' does not exist";
    SecurityGroup = "sg",
        not found InvalidGroupNotFound "The security group '{id}' does not exist",
        malformed InvalidGroupIdMalformed;
    SecurityGroupRule = "sgr",
        not found InvalidSecurityGroupRuleIdNotFound
            "The security group rule ID '{id}' does not exist",
        malformed InvalidSecurityGroupRuleIdMalformed;
    NetworkInterface = "eni",
        not found InvalidNetworkInterfaceIDNotFound
            "The networkInterface ID '{id}' does not exist",
        malformed InvalidNetworkInterfaceIdMalformed;
    InterfaceAttachment = "eni-attach",
        not found InvalidAttachmentIDNotFound "The attachment ID '{id}' does not exist";
    /// The attachment of an interface AWS manages for a service (load balancer, NAT
    /// gateway, endpoint): AWS names these `ela-attach-…`.
    ManagedAttachment = "ela-attach";
    Instance = "i", not found InvalidInstanceIDNotFound "The instance ID '{id}' does not exist",
        malformed InvalidInstanceIDMalformed;
    Reservation = "r";
    VpcPeeringConnection = "pcx",
        not found InvalidVpcPeeringConnectionIDNotFound
            "The vpcPeeringConnection ID '{id}' does not exist",
        malformed InvalidVpcPeeringConnectionIdMalformed;
    VpcEndpoint = "vpce",
        not found InvalidVpcEndpointIdNotFound "The Vpc Endpoint Id '{id}' does not exist",
        malformed InvalidVpcEndpointIdMalformed;
    VpcEndpointService = "vpce-svc",
        not found InvalidVpcEndpointServiceIdNotFound
            "The Vpc Endpoint Service Id '{id}' does not exist",
        malformed InvalidVpcEndpointServiceIdIdMalformed;
    VpcEndpointServicePermission = "vpce-svc-perm";
    VpcEndpointConnection = "vpce-con";
    VpcEndpointConnectionNotification = "vpce-nfn",
        not found InvalidConnectionNotification
            "The connection notification '{id}' does not exist";
    PrefixList = "pl",
        not found InvalidPrefixListIDNotFound "The prefix list ({id}) does not exist.",
        malformed InvalidPrefixListIdMalformed;
    /// A virtual private gateway.
    VpnGateway = "vgw",
        not found InvalidVpnGatewayIDNotFound "The vpnGateway ID '{id}' does not exist";
    CustomerGateway = "cgw",
        not found InvalidCustomerGatewayIDNotFound "The customerGateway ID '{id}' does not exist",
        malformed InvalidCustomerGatewayIdMalformed;
    /// A Site-to-Site VPN connection.
    VpnConnection = "vpn",
        not found InvalidVpnConnectionIDNotFound "The vpnConnection ID '{id}' does not exist";
    /// A VPC flow log.
    FlowLog = "fl", not found InvalidFlowLogIdNotFound "The flow log ID '{id}' does not exist";
    /// A key pair. AWS answers an unknown or malformed key pair id as not found.
    KeyPair = "key", not found InvalidKeyPairNotFound "The key pair '{id}' does not exist";
    TransitGateway = "tgw",
        not found InvalidTransitGatewayIDNotFound "Transit Gateway {id} was deleted or does not exist.",
        malformed InvalidTransitGatewayIDMalformed;
    TransitGatewayAttachment = "tgw-attach",
        not found InvalidTransitGatewayAttachmentIDNotFound
            "Transit Gateway Attachment {id} was deleted or does not exist.",
        malformed InvalidTransitGatewayAttachmentIDMalformed;
    TransitGatewayRouteTable = "tgw-rtb",
        not found InvalidRouteTableIDNotFound
            "Transit Gateway Route Table {id} was deleted or does not exist.",
        malformed InvalidRouteTableIdMalformed;
    NetworkInsightsPath = "nip",
        not found InvalidNetworkInsightsPathIdNotFound
            "The NetworkInsightsPath ID '{id}' does not exist";
    NetworkInsightsAnalysis = "nia",
        not found InvalidNetworkInsightsAnalysisIdNotFound
            "The NetworkInsightsAnalysis ID '{id}' does not exist",
        malformed InvalidNetworkInsightsAnalysisIdMalformed;
}

impl Kind {
    /// The kind whose prefix `id` carries (`vpce-svc-0abc…` is an endpoint service), if any.
    pub fn of_id(id: &str) -> Option<Kind> {
        let (prefix, _) = id.rsplit_once('-')?;
        Kind::ALL.iter().copied().find(|k| k.prefix() == prefix)
    }

    /// Whether `id` names a resource of this kind: it starts with the kind's prefix and a dash
    /// (`igw-…`), well-formed or not. (`vpce-svc-…` also starts with [`Kind::VpcEndpoint`]'s.)
    pub fn names(self, id: &str) -> bool {
        id.strip_prefix(self.prefix())
            .is_some_and(|rest| rest.starts_with('-'))
    }

    /// Whether `id` is a well-formed id of this kind.
    pub fn is_well_formed(self, id: &str) -> bool {
        is_well_formed(id, self.prefix())
    }

    /// AWS's "does not exist" error for an id of this kind.
    pub fn not_found(self, id: &str) -> ApiError {
        match self.not_found_spec() {
            Some((code, text)) => ApiError::new(code, text.replace("{id}", id)),
            None => ApiError::new(
                ErrorCode::InvalidID,
                format!("The ID '{id}' does not exist"),
            ),
        }
    }

    /// AWS's malformed-id error for `id` (§4.7: `Invalid id: "<x>" (expecting "<prefix>-...")`).
    pub fn malformed(self, id: &str) -> ApiError {
        let code = self.malformed_code().unwrap_or(ErrorCode::InvalidID);
        let prefix = self.prefix();
        ApiError::new(
            code,
            format!("Invalid id: \"{id}\" (expecting \"{prefix}-...\")"),
        )
    }

    /// Refuses `id` unless it is a well-formed id of this kind.
    pub fn check(self, id: &str) -> crate::Result<()> {
        if self.is_well_formed(id) {
            Ok(())
        } else {
            Err(self.malformed(id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str, prefix: &str, expected: bool) {
        assert_eq!(is_well_formed(id, prefix), expected, "{id} with {prefix}");
    }

    proptest::proptest! {
        /// Ids and UUIDs are the digits the character-by-character writing made.
        #[test]
        fn ids_are_written_as_char_by_char(seed in proptest::prelude::any::<u64>()) {
            let mut draws = IdGen::new(seed);
            let (high, low) = (draws.next_u64() & 0xf, draws.next_u64());
            let mut oracle = String::from(HEX[high as usize] as char);
            for shift in (0..16).rev() {
                oracle.push(HEX[((low >> (shift * 4)) & 0xf) as usize] as char);
            }
            proptest::prop_assert_eq!(IdGen::new(seed).hex17(), oracle);

            let (a, b) = (draws.next_u64(), draws.next_u64());
            let bits = (u128::from(a) << 64 | u128::from(b)) & !(0xf << 76) & !(0x3 << 62)
                | (0x4 << 76)
                | (0x2 << 62);
            let mut oracle = String::new();
            for i in (0..32).rev() {
                if matches!(i, 23 | 19 | 15 | 11) {
                    oracle.push('-');
                }
                oracle.push(HEX[((bits >> (i * 4)) & 0xf) as usize] as char);
            }
            let mut gen = IdGen::new(seed);
            gen.hex17();
            proptest::prop_assert_eq!(gen.uuid(), oracle);
        }
    }

    #[test]
    fn ids_are_well_formed_and_deterministic() {
        let mut a = IdGen::new(7);
        let mut b = IdGen::new(7);
        let id = a.id(Kind::Vpc);
        assert_eq!(id, b.id(Kind::Vpc));
        check(&id, "vpc", true);
        assert_ne!(a.id(Kind::Vpc), id);
    }

    #[test]
    fn an_id_is_its_prefix_and_the_hex_of_two_draws() {
        // The digits journaled ids were made of: replay must make the same ones.
        let (mut a, mut b) = (IdGen::new(7), IdGen::new(7));
        for _ in 0..200 {
            let high = b.next_u64() & 0xf;
            let low = b.next_u64();
            assert_eq!(a.id(Kind::Vpc), format!("vpc-{high:x}{low:016x}"));
        }
        assert_eq!(a.hex17().len(), 17);
    }

    #[test]
    fn a_uuid_is_version_4_variant_10_of_two_draws() {
        // Journaled tokens were made of these digits: replay must make the same ones.
        let (mut a, mut b) = (IdGen::new(9), IdGen::new(9));
        for _ in 0..200 {
            let (x, y) = (b.next_u64(), b.next_u64());
            let expected = format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                x >> 32,
                (x >> 16) & 0xffff,
                x & 0xfff,
                (y >> 48) & 0x3fff | 0x8000,
                y & 0xffff_ffff_ffff
            );
            assert_eq!(a.uuid(), expected);
        }
    }

    #[test]
    fn malformed_ids_are_recognised() {
        check("vpc-1234abcd", "vpc", true);
        check("vpc-1234ABCD", "vpc", false);
        check("vpc-123", "vpc", false);
        check("subnet-1234abcd", "vpc", false);
        check("vpce-svc-0123456789abcdef0", "vpce-svc", true);
        check("vpc-0123456789abcdef0", "vpc", true);
    }
}
