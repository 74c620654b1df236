//! Builders for the eni area: interfaces, launches, and lookups of what they made.

use std::net::Ipv4Addr;

use super::Kit;
use crate::eni::{Cmd, Instance, InterfaceSpec, Launch, NetworkInterface, PrivateIp};
use crate::Output;

impl Kit {
    /// A new interface (CreateNetworkInterface) as `spec` describes it.
    pub fn interface(&mut self, spec: InterfaceSpec) -> String {
        self.id(create(spec))
    }

    /// Runs RunInstances, which must succeed; returns the instance ids.
    pub fn launch(&mut self, l: Launch) -> Vec<String> {
        match self.ok(Cmd::RunInstances(Box::new(l))) {
            Output::Ids(ids) => ids[1..].to_vec(),
            other => panic!("launch: {other:?}"),
        }
    }

    /// A running instance of the caller in `subnet` (a default subnet if `None`).
    pub fn running_instance(&mut self, subnet: Option<&str>) -> String {
        self.launch(launch(subnet, 1, 1)).remove(0)
    }

    /// The interface `id`, which must exist.
    pub fn eni(&self, id: &str) -> &NetworkInterface {
        self.w.network_interfaces.get(id).expect("interface")
    }

    /// The instance `id`, which must exist.
    pub fn instance(&self, id: &str) -> &Instance {
        self.w.instances.get(id).expect("instance")
    }
}

/// CreateNetworkInterface of `spec`, without type, token or tags.
pub fn create(spec: InterfaceSpec) -> Cmd {
    Cmd::CreateInterface {
        spec,
        interface_type: None,
        client_token: None,
        tags: vec![],
    }
}

/// An interface spec naming only its subnet.
pub fn in_subnet(subnet_id: &str) -> InterfaceSpec {
    InterfaceSpec {
        subnet_id: Some(subnet_id.into()),
        ..InterfaceSpec::default()
    }
}

/// A launch of the catalogue's Amazon Linux 2023 image, `min`..=`max` instances, in `subnet` or a default subnet.
pub fn launch(subnet: Option<&str>, min: i64, max: i64) -> Launch {
    Launch {
        image_id: crate::image::AMAZON_LINUX_2023.into(),
        min_count: min,
        max_count: max,
        subnet_id: subnet.map(str::to_string),
        ..Launch::default()
    }
}

/// One `PrivateIpAddresses.N` entry.
pub fn pip(address: &str, primary: bool) -> PrivateIp {
    PrivateIp {
        address: address.parse::<Ipv4Addr>().expect("test address"),
        primary,
    }
}
