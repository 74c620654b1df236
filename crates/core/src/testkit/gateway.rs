//! Builders for the gateway area: internet gateways, Elastic IPs, NAT gateways, and the
//! commands tests vary.

use super::Kit;
use crate::gateway::{Cmd, NatGateway};

impl Kit {
    /// A new internet gateway, detached.
    pub fn igw(&mut self) -> String {
        self.id(Cmd::CreateInternetGateway { tags: vec![] })
    }

    /// Attaches internet gateway `igw` to `vpc`, which must succeed.
    pub fn attach_igw(&mut self, igw: &str, vpc: &str) {
        self.ok(attach(igw, vpc));
    }

    /// A new Elastic IP; returns its allocation id.
    pub fn eip(&mut self) -> String {
        self.id(Cmd::AllocateAddress { tags: vec![] })
    }

    /// The NAT gateway `id`, which must exist.
    pub fn nat(&self, id: &str) -> &NatGateway {
        self.w.nat_gateways.get(id).expect("NAT gateway")
    }
}

/// AttachInternetGateway.
pub fn attach(igw: &str, vpc: &str) -> Cmd {
    Cmd::AttachInternetGateway {
        internet_gateway_id: igw.into(),
        vpc_id: vpc.into(),
    }
}

/// DetachInternetGateway.
pub fn detach(igw: &str, vpc: &str) -> Cmd {
    Cmd::DetachInternetGateway {
        internet_gateway_id: igw.into(),
        vpc_id: vpc.into(),
    }
}

/// AssociateAddress of allocation `alloc` with interface `eni`'s primary address.
pub fn associate_eni(alloc: &str, eni: &str) -> Cmd {
    Cmd::AssociateAddress {
        allocation_id: Some(alloc.into()),
        public_ip: None,
        instance_id: None,
        network_interface_id: Some(eni.into()),
        private_ip: None,
        allow_reassociation: false,
    }
}

/// CreateNatGateway in `subnet`: public with allocation `alloc`, else private.
pub fn create_nat(subnet: &str, alloc: Option<&str>) -> Cmd {
    Cmd::CreateNatGateway {
        subnet_id: subnet.into(),
        public: alloc.is_some(),
        allocation_id: alloc.map(str::to_string),
        private_ip: None,
        client_token: None,
        tags: vec![],
    }
}
