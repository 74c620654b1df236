//! Builders for VPC endpoints.

use super::Kit;
use crate::endpoint::{Cmd, Create, VpcEndpoint};

impl Create {
    /// CreateVpcEndpoint of a gateway endpoint in `vpc` to `service` (e.g.
    /// `com.amazonaws.us-east-1.s3`) with routes in `tables`.
    pub fn gateway(vpc: &str, service: &str, tables: &[&str]) -> Create {
        Create {
            vpc_id: vpc.into(),
            service_name: Some(service.into()),
            route_table_ids: tables.iter().map(|s| s.to_string()).collect(),
            ..Create::default()
        }
    }

    /// CreateVpcEndpoint of an interface endpoint in `vpc` to `service` in `subnets`.
    pub fn interface(vpc: &str, service: &str, subnets: &[&str]) -> Create {
        Create {
            endpoint_type: Some("Interface".into()),
            vpc_id: vpc.into(),
            service_name: Some(service.into()),
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            ..Create::default()
        }
    }
}

impl Kit {
    /// A gateway endpoint of the caller (see [`Create::gateway`]).
    pub fn gateway_endpoint(&mut self, vpc: &str, service: &str, tables: &[&str]) -> String {
        self.id(Cmd::Create(Box::new(Create::gateway(vpc, service, tables))))
    }

    /// An interface endpoint of the caller (see [`Create::interface`]).
    pub fn interface_endpoint(&mut self, vpc: &str, service: &str, subnets: &[&str]) -> String {
        self.id(Cmd::Create(Box::new(Create::interface(
            vpc, service, subnets,
        ))))
    }

    /// The endpoint `id`, which must exist.
    pub fn endpoint(&self, id: &str) -> &VpcEndpoint {
        self.w
            .vpc_endpoints
            .get(id)
            .unwrap_or_else(|| panic!("no endpoint {id}"))
    }
}
