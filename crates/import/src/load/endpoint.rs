//! VPC endpoints and endpoint services (`ServiceConfigurations`).

use openvpc_core::endpoint::{
    DnsOptions, EndpointInterface, EndpointType, LastError, State as EndpointState, SubnetChoice,
    VpcEndpoint,
};
use openvpc_core::endpoint_service::{EndpointService, ServiceState, ServiceType};
use openvpc_core::{Kind, Scope, World};

use super::instances::group_ids;
use super::{owner, Loaded};
use crate::json::{Obj, Res};

/// An endpoint's interfaces: those imported, and those not imported paired with their
/// subnets by position (AWS lists one interface per subnet).
fn endpoint_interfaces(
    w: &World,
    eni_ids: &[String],
    subnet_ids: &[String],
) -> Vec<EndpointInterface> {
    let mut interfaces = Vec::new();
    for (i, eni_id) in eni_ids.iter().enumerate() {
        let subnet_id = match w.network_interfaces.get(eni_id) {
            Some(eni) => eni.subnet_id.clone(),
            None if eni_ids.len() == subnet_ids.len() => subnet_ids[i].clone(),
            None => continue,
        };
        let availability_zone = w
            .subnets
            .get(&subnet_id)
            .map(|s| s.availability_zone.clone())
            .unwrap_or_default();
        interfaces.push(EndpointInterface {
            subnet_id,
            availability_zone,
            network_interface_id: eni_id.clone(),
        });
    }
    interfaces
}

/// The suffix of an endpoint's DNS names (`vpce-0abc-<suffix>.…`), if its entries show one.
fn dns_suffix_of(o: &Obj, id: &str) -> Res<Option<String>> {
    let mut found = None;
    for (path, d) in o.list("DnsEntries")? {
        let d = Obj {
            value: d,
            path: &path,
        };
        let name = d.opt_str("DnsName")?.unwrap_or_default();
        let label = name.trim_start_matches("*.");
        if let Some(rest) = label.strip_prefix(&format!("{id}-")) {
            let suffix: String = rest
                .chars()
                .take_while(|c| *c != '.' && *c != '-')
                .collect();
            if found.is_none() && !suffix.is_empty() {
                found = Some(suffix);
            }
        }
    }
    Ok(found)
}

/// An endpoint's `DnsOptions`, if given.
fn endpoint_dns_options(o: &Obj) -> Res<Option<DnsOptions>> {
    Ok(match o.child("DnsOptions") {
        Some(v) => {
            let path = format!("{}.DnsOptions", o.path);
            let d = Obj {
                value: &v,
                path: &path,
            };
            Some(DnsOptions {
                dns_record_ip_type: d
                    .opt_str("DnsRecordIpType")?
                    .unwrap_or_else(|| "ipv4".into()),
                private_dns_only_for_inbound_resolver_endpoint: d
                    .opt_bool("PrivateDnsOnlyForInboundResolverEndpoint")?,
                private_dns_preference: d.opt_str("PrivateDnsPreference")?,
                private_dns_specified_domains: d.strs("PrivateDnsSpecifiedDomains")?,
            })
        }
        None => None,
    })
}

/// An endpoint's state; `None` for a deleted one (not imported).
fn endpoint_state(o: &Obj) -> Res<Option<EndpointState>> {
    Ok(Some(
        match o
            .opt_str("State")?
            .unwrap_or_else(|| "available".into())
            .to_ascii_lowercase()
            .as_str()
        {
            "pendingacceptance" => EndpointState::PendingAcceptance,
            "pending" => EndpointState::Pending,
            "available" | "partial" => EndpointState::Available,
            "deleting" => EndpointState::Deleting,
            "deleted" => return Ok(None),
            "rejected" => EndpointState::Rejected,
            "failed" => EndpointState::Failed,
            "expired" => EndpointState::Expired,
            other => return Err(format!("field `{}.State`: unknown state `{other}`", o.path)),
        },
    ))
}

/// An endpoint's `LastError`, if given.
fn endpoint_last_error(o: &Obj) -> Res<Option<LastError>> {
    Ok(match o.child("LastError") {
        Some(v) => {
            let path = format!("{}.LastError", o.path);
            let e = Obj {
                value: &v,
                path: &path,
            };
            Some(LastError {
                code: e.opt_str("Code")?.unwrap_or_default(),
                message: e.opt_str("Message")?.unwrap_or_default(),
            })
        }
        None => None,
    })
}

/// `VpcEndpoints` of `describe-vpc-endpoints`. Interfaces come from the imported network
/// interfaces (`NetworkInterfaceIds`); those not imported are synthesised by [`finish`].
pub(super) fn vpc_endpoint(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let id = o.str("VpcEndpointId")?;
    let endpoint_type = match o.str("VpcEndpointType")?.as_str() {
        "Resource" | "ServiceNetwork" => return Ok(Loaded::Skipped("VPC Lattice endpoints")),
        other => EndpointType::parse(other)
            .map_err(|_| format!("field `{}.VpcEndpointType`: unknown type `{other}`", o.path))?,
    };
    let Some(state) = endpoint_state(&o)? else {
        return Ok(Loaded::Skipped("deleted VPC endpoints"));
    };
    let service_name = o.str("ServiceName")?;
    // Custom services: com.amazonaws.vpce.<region>.vpce-svc-<id>.
    let service_id = service_name
        .rsplit('.')
        .next()
        .filter(|last| Kind::VpcEndpointService.names(last))
        .map(str::to_string);
    let endpoint_scope = owner(scope, &o)?;
    let subnet_ids = o.strs("SubnetIds")?;
    let eni_ids = o.strs("NetworkInterfaceIds")?;
    let interfaces = endpoint_interfaces(w, &eni_ids, &subnet_ids);
    let groups = group_ids(&o)?;
    let dns_suffix = dns_suffix_of(&o, &id)?;
    let dns_options = endpoint_dns_options(&o)?;
    let last_error = endpoint_last_error(&o)?;
    let dns_suffix = dns_suffix.unwrap_or_else(|| w.ids.token(8));
    w.vpc_endpoints.insert(VpcEndpoint {
        id,
        scope: endpoint_scope,
        endpoint_type,
        vpc_id: o.str("VpcId")?,
        service_region: o
            .opt_str("ServiceRegion")?
            .unwrap_or_else(|| scope.region.clone()),
        service_name,
        service_id,
        state,
        policy_document: o.opt_str("PolicyDocument")?,
        route_table_ids: o.strs("RouteTableIds")?,
        subnets: subnet_ids
            .into_iter()
            .map(|subnet_id| SubnetChoice {
                subnet_id,
                ipv4: None,
                ipv6: None,
            })
            .collect(),
        interfaces,
        groups,
        ip_address_type: o.opt_str("IpAddressType")?.unwrap_or_else(|| "ipv4".into()),
        dns_options,
        private_dns_enabled: o.opt_bool("PrivateDnsEnabled")?.unwrap_or(false),
        dns_suffix,
        connection_id: None,
        created: 0,
        step_due: 0,
        deleted_at: None,
        last_error,
    });
    Ok(Loaded::Done)
}

/// `ServiceConfigurations` of `aws ec2 describe-vpc-endpoint-service-configurations`: the
/// provider side of a PrivateLink service (its load balancers and state). Permissions and
/// the private DNS name's verification are not in this output and are not imported.
pub(super) fn service_configuration(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let id = o.str("ServiceId")?;
    let mut service_type = ServiceType::Interface;
    for (path, t) in o.list("ServiceType")? {
        let t = Obj {
            value: t,
            path: &path,
        };
        service_type = match t.str("ServiceType")?.as_str() {
            "Interface" => ServiceType::Interface,
            "Gateway" => ServiceType::Gateway,
            "GatewayLoadBalancer" => ServiceType::GatewayLoadBalancer,
            other => {
                return Err(format!(
                    "field `{}.ServiceType`: unknown type `{other}`",
                    t.path
                ))
            }
        };
    }
    let state = match o.opt_str("ServiceState")?.as_deref().unwrap_or("Available") {
        "Pending" => ServiceState::Pending,
        "Available" => ServiceState::Available,
        "Deleting" => ServiceState::Deleting,
        "Deleted" => return Ok(Loaded::Skipped("deleted endpoint services")),
        "Failed" => ServiceState::Failed,
        other => {
            return Err(format!(
                "field `{}.ServiceState`: unknown state `{other}`",
                o.path
            ))
        }
    };
    let mut supported_regions = Vec::new();
    for (path, r) in o.list("SupportedRegions")? {
        let region = Obj {
            value: r,
            path: &path,
        }
        .str("Region")?;
        if region != scope.region {
            supported_regions.push(region);
        }
    }
    w.endpoint_services.insert(EndpointService {
        id,
        scope: owner(scope, &o)?,
        service_type,
        state,
        acceptance_required: o.opt_bool("AcceptanceRequired")?.unwrap_or(false),
        network_load_balancer_arns: o.strs("NetworkLoadBalancerArns")?,
        gateway_load_balancer_arns: o.strs("GatewayLoadBalancerArns")?,
        supported_ip_address_types: o.strs("SupportedIpAddressTypes")?,
        supported_regions,
        private_dns: None,
        permissions: Vec::new(),
        created: 0,
    });
    Ok(Loaded::Done)
}
