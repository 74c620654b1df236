//! The transit-gateway outputs: `describe-transit-gateways`,
//! `describe-transit-gateway-route-tables`, `describe-transit-gateway-vpc-attachments`,
//! `describe-transit-gateway-attachments` (the association of each VPC attachment), and
//! three outputs of one route table that do not name it, so the file name must contain its
//! id ([`route_table_in_file_name`]): `search-transit-gateway-routes` (`Routes`),
//! `get-transit-gateway-route-table-associations` (`Associations`) and
//! `get-transit-gateway-route-table-propagations` (`TransitGatewayRouteTablePropagations`).

use ipnet::IpNet;
use openvpc_core::tgw::{
    vpn_attachments, AttachmentState, PrefixListRef, RouteTarget, State, StaticRoute,
    TgwAttachment, TgwOptions, TgwRouteTable, TransitGateway, VpcAttachmentOptions,
    DEFAULT_AMAZON_ASN,
};
use openvpc_core::{Scope, World};

use crate::json::{cidr as parse_cidr, Obj, Res};
use crate::load::Loaded;

/// The description AWS gives an attachment's network interface.
pub(crate) fn interface_description(attachment_id: &str) -> String {
    format!("Network Interface for Transit Gateway Attachment {attachment_id}")
}

/// An `enable`/`disable` option (absent: `default`).
fn enabled(o: &Obj, name: &str, default: bool) -> Res<bool> {
    Ok(match o.opt_str(name)?.as_deref() {
        None => default,
        Some("enable") => true,
        Some("disable") => false,
        Some(other) => {
            return Err(format!(
                "field `{}.{name}`: expected `enable` or `disable`, not `{other}`",
                o.path
            ))
        }
    })
}

/// A transit gateway's or route table's `State`; `None` when deleting or deleted.
fn state_of(o: &Obj) -> Res<Option<State>> {
    Ok(match o.opt_str("State")?.as_deref() {
        Some("deleting" | "deleted") => None,
        Some("pending") => Some(State::Pending),
        _ => Some(State::Available),
    })
}

/// An item's nested object field as an [`Obj`] (absent: an empty object).
fn nested<'a>(o: &Obj<'a>, name: &str, path: &'a mut String) -> Obj<'a> {
    static EMPTY: serde_json::Value = serde_json::Value::Null;
    *path = format!("{}.{name}", o.path);
    let path: &'a String = path;
    Obj {
        value: o.field(name).unwrap_or(&EMPTY),
        path: path.as_str(),
    }
}

/// `TransitGateways` of `describe-transit-gateways`.
pub(crate) fn transit_gateway(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let Some(state) = state_of(&o)? else {
        return Ok(Loaded::Skipped("deleted transit gateways"));
    };
    let mut path = String::new();
    let opts = nested(&o, "Options", &mut path);
    let mut cidr_blocks = Vec::new();
    for raw in opts.strs("TransitGatewayCidrBlocks")? {
        cidr_blocks.push(parse_cidr::<IpNet>(&opts, "TransitGatewayCidrBlocks", &raw)?.trunc());
    }
    let options = TgwOptions {
        amazon_side_asn: opts
            .opt_int("AmazonSideAsn")?
            .map_or(DEFAULT_AMAZON_ASN, |n| n as u64),
        auto_accept_shared_attachments: enabled(&opts, "AutoAcceptSharedAttachments", false)?,
        default_route_table_association: enabled(&opts, "DefaultRouteTableAssociation", true)?,
        default_route_table_propagation: enabled(&opts, "DefaultRouteTablePropagation", true)?,
        association_default_route_table_id: opts.opt_str("AssociationDefaultRouteTableId")?,
        propagation_default_route_table_id: opts.opt_str("PropagationDefaultRouteTableId")?,
        dns_support: enabled(&opts, "DnsSupport", true)?,
        vpn_ecmp_support: enabled(&opts, "VpnEcmpSupport", true)?,
        security_group_referencing_support: enabled(
            &opts,
            "SecurityGroupReferencingSupport",
            false,
        )?,
        multicast_support: enabled(&opts, "MulticastSupport", false)?,
        cidr_blocks,
    };
    let owner = o.opt_str("OwnerId")?;
    w.transit_gateways.insert(TransitGateway {
        id: o.str("TransitGatewayId")?,
        scope: Scope::new(owner.as_deref().unwrap_or(&scope.account), &scope.region),
        description: o.opt_str("Description")?.filter(|d| !d.is_empty()),
        options,
        state,
        created: 0,
        purge_at: None,
    });
    Ok(Loaded::Done)
}

/// The scope of transit gateway `tgw_id` if imported, else `scope`.
fn gateway_scope(w: &World, scope: &Scope, tgw_id: &str) -> Scope {
    w.transit_gateways
        .get(tgw_id)
        .map_or_else(|| scope.clone(), |g| g.scope.clone())
}

/// `TransitGatewayRouteTables` of `describe-transit-gateway-route-tables` (the routes come
/// from `search-transit-gateway-routes`).
pub(crate) fn route_table(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let Some(state) = state_of(&o)? else {
        return Ok(Loaded::Skipped("deleted transit-gateway route tables"));
    };
    let transit_gateway_id = o.str("TransitGatewayId")?;
    w.tgw_route_tables.insert(TgwRouteTable {
        id: o.str("TransitGatewayRouteTableId")?,
        scope: gateway_scope(w, scope, &transit_gateway_id),
        transit_gateway_id,
        state,
        propagations: Vec::new(),
        routes: Vec::new(),
        created: 0,
        purge_at: None,
        prefix_list_refs: Vec::new(),
    });
    Ok(Loaded::Done)
}

/// `TransitGatewayPrefixListReferences` of `get-transit-gateway-prefix-list-references`:
/// each names its table; its routes follow from the list's entries (import the list with
/// `describe-managed-prefix-lists` and `get-managed-prefix-list-entries`).
pub(crate) fn prefix_list_reference(w: &mut World, o: Obj) -> Res<Loaded> {
    if matches!(o.opt_str("State")?.as_deref(), Some("deleting" | "deleted")) {
        return Ok(Loaded::Skipped(
            "deleted transit-gateway prefix-list references",
        ));
    }
    let table = o.str("TransitGatewayRouteTableId")?;
    let prefix_list_id = o.str("PrefixListId")?;
    let attachment = match o.field("TransitGatewayAttachment") {
        Some(a) if a.is_object() => {
            let path = format!("{}.TransitGatewayAttachment", o.path);
            let a = Obj {
                value: a,
                path: &path,
            };
            a.opt_str("TransitGatewayAttachmentId")?
        }
        _ => None,
    };
    let blackhole = o.opt_bool("Blackhole")?.unwrap_or(false);
    let target = match attachment {
        Some(a) if !blackhole => RouteTarget::Attachment(a),
        _ => RouteTarget::Blackhole,
    };
    let Some(t) = w.tgw_route_tables.get_mut(&table) else {
        return Ok(Loaded::Skipped(
            "transit-gateway prefix-list references of route tables not imported",
        ));
    };
    t.prefix_list_refs
        .retain(|r| r.prefix_list_id != prefix_list_id);
    t.prefix_list_refs.push(PrefixListRef {
        prefix_list_id,
        target,
    });
    Ok(Loaded::Done)
}

/// An attachment's `State` (VPC, VPN or peering); `None` when it is gone (deleting,
/// deleted, rejected, failed).
pub(crate) fn attachment_state(o: &Obj) -> Res<Option<AttachmentState>> {
    Ok(match o.opt_str("State")?.as_deref() {
        Some("initiatingRequest" | "initiating") => Some(AttachmentState::InitiatingRequest),
        Some("pendingAcceptance") => Some(AttachmentState::PendingAcceptance),
        Some("pending" | "modifying") => Some(AttachmentState::Pending),
        Some("available") | None => Some(AttachmentState::Available),
        Some(_) => None,
    })
}

/// openvpc's VPC and VPN attachments start `pending`: one exported while initiating is
/// pending (only a peering request is ever initiating here).
fn started(state: AttachmentState) -> AttachmentState {
    match state {
        AttachmentState::InitiatingRequest => AttachmentState::Pending,
        s => s,
    }
}

/// `TransitGatewayVpcAttachments` of `describe-transit-gateway-vpc-attachments`: each
/// subnet's interface is the imported one AWS describes as the attachment's, if any (else
/// made up by [`crate::load::finish`]).
pub(crate) fn vpc_attachment(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let Some(state) = attachment_state(&o)?.map(started) else {
        return Ok(Loaded::Skipped("deleted transit-gateway attachments"));
    };
    let id = o.str("TransitGatewayAttachmentId")?;
    let transit_gateway_id = o.str("TransitGatewayId")?;
    let subnet_ids = o.strs("SubnetIds")?;
    let description = interface_description(&id);
    let interfaces = subnet_ids
        .iter()
        .map(|s| {
            w.network_interfaces
                .values()
                .find(|e| &e.subnet_id == s && e.description == description)
                .map(|e| e.id.clone())
                .unwrap_or_default()
        })
        .collect();
    let mut path = String::new();
    let opts = nested(&o, "Options", &mut path);
    let options = VpcAttachmentOptions {
        dns_support: enabled(&opts, "DnsSupport", true)?,
        ipv6_support: enabled(&opts, "Ipv6Support", false)?,
        appliance_mode_support: enabled(&opts, "ApplianceModeSupport", false)?,
        security_group_referencing_support: enabled(
            &opts,
            "SecurityGroupReferencingSupport",
            false,
        )?,
    };
    let vpc_owner = o.opt_str("VpcOwnerId")?;
    let gateway = gateway_scope(w, scope, &transit_gateway_id);
    let association = w
        .tgw_attachments
        .get(&id)
        .and_then(|a| a.association.clone());
    w.tgw_attachments.insert(TgwAttachment {
        scope: Scope::new(
            vpc_owner.as_deref().unwrap_or(&scope.account),
            &scope.region,
        ),
        transit_gateway_owner: gateway.account.clone(),
        vpc_id: o.str("VpcId")?,
        transit_gateway_id,
        subnet_ids,
        interfaces,
        options,
        state,
        association,
        created: 0,
        purge_at: None,
        vpn_connection_id: None,
        id,
    });
    Ok(Loaded::Done)
}

/// `TransitGatewayAttachments` of `describe-transit-gateway-attachments`: VPC attachments
/// take their route-table association from it; VPN attachments are made from it (their
/// connection is `ResourceId`); peering attachments are made or completed from it
/// (`crate::tgw_peering`); attachments of other kinds (Direct Connect, Connect) are not
/// modelled.
pub(crate) fn attachment(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let Some(state) = attachment_state(&o)? else {
        return Ok(Loaded::Skipped("deleted transit-gateway attachments"));
    };
    let resource_type = o.opt_str("ResourceType")?.unwrap_or_default();
    if resource_type == "peering" {
        let table = association_of(&o)?;
        return crate::tgw_peering::from_attachment_row(w, scope, &o, state, table);
    }
    if !matches!(resource_type.as_str(), "vpc" | "vpn") {
        return Ok(Loaded::Skipped(
            "transit-gateway attachments other than to VPCs, VPN connections or peering",
        ));
    }
    let id = o.str("TransitGatewayAttachmentId")?;
    let table = association_of(&o)?;
    if resource_type == "vpn" {
        return vpn_attachment(w, scope, &o, id, started(state), table);
    }
    match w.tgw_attachments.get_mut(&id) {
        Some(att) => {
            if table.is_some() {
                att.association = table;
            }
            Ok(Loaded::Done)
        }
        None => Ok(Loaded::Skipped(
            "transit-gateway VPC attachments without describe-transit-gateway-vpc-attachments output",
        )),
    }
}

/// The route table of an attachment row's live `Association`.
fn association_of(o: &Obj) -> Res<Option<String>> {
    Ok(match o.field("Association") {
        Some(a) if a.is_object() => {
            let path = format!("{}.Association", o.path);
            let a = Obj {
                value: a,
                path: &path,
            };
            let live = matches!(
                a.opt_str("State")?.as_deref(),
                None | Some("associated" | "associating")
            );
            a.opt_str("TransitGatewayRouteTableId")?.filter(|_| live)
        }
        _ => None,
    })
}

/// A VPN attachment (`ResourceType` `vpn`): in the gateway owner's scope, no subnets.
fn vpn_attachment(
    w: &mut World,
    scope: &Scope,
    o: &Obj,
    id: String,
    state: AttachmentState,
    association: Option<String>,
) -> Res<Loaded> {
    let transit_gateway_id = o.str("TransitGatewayId")?;
    let owner = match o.opt_str("TransitGatewayOwnerId")? {
        Some(a) => Scope::new(&a, &scope.region),
        None => gateway_scope(w, scope, &transit_gateway_id),
    };
    let vpn_id = o.str("ResourceId")?;
    let mut a = vpn_attachments::vpn_attachment(&id, &owner, &transit_gateway_id, &vpn_id);
    a.state = state;
    a.association = association;
    w.tgw_attachments.insert(a);
    Ok(Loaded::Done)
}

/// The imported transit-gateway route table whose id `file_name` contains.
pub(crate) fn route_table_in_file_name(w: &World, key: &str, file_name: &str) -> Res<String> {
    w.tgw_route_tables
        .values()
        .map(|t| t.id.as_str())
        .filter(|id| file_name.contains(id))
        .max_by_key(|id| id.len())
        .map(str::to_string)
        .ok_or_else(|| {
            format!(
                "`{key}` must be in a file whose name contains the id of an imported \
                 transit-gateway route table (`tgw-rtb-0123456789abcdef0-{}.json`)",
                match key {
                    "Routes" => "routes",
                    "Associations" => "associations",
                    _ => "propagations",
                }
            )
        })
}

/// Enables the propagation of `attachment_id` into `table_id` (once).
fn propagate(w: &mut World, table_id: &str, attachment_id: String) {
    if let Some(t) = w.tgw_route_tables.get_mut(table_id) {
        if !t.propagations.contains(&attachment_id) {
            t.propagations.push(attachment_id);
        }
    }
}

/// One `TransitGatewayRouteTablePropagations` item of
/// `get-transit-gateway-route-table-propagations`.
pub(crate) fn propagation(w: &mut World, o: Obj, file_name: &str) -> Res<Loaded> {
    let table = route_table_in_file_name(w, "TransitGatewayRouteTablePropagations", file_name)?;
    propagation_of(w, &table, o)
}

fn propagation_of(w: &mut World, table: &str, o: Obj) -> Res<Loaded> {
    if matches!(
        o.opt_str("State")?.as_deref(),
        Some("disabling" | "disabled")
    ) {
        return Ok(Loaded::Skipped("disabled transit-gateway propagations"));
    }
    propagate(w, table, o.str("TransitGatewayAttachmentId")?);
    Ok(Loaded::Done)
}

/// One `Associations` item of `get-transit-gateway-route-table-associations`.
pub(crate) fn association(w: &mut World, o: Obj, file_name: &str) -> Res<Loaded> {
    let table = route_table_in_file_name(w, "Associations", file_name)?;
    if matches!(
        o.opt_str("State")?.as_deref(),
        Some("disassociating" | "disassociated")
    ) {
        return Ok(Loaded::Skipped("ended transit-gateway associations"));
    }
    let id = o.str("TransitGatewayAttachmentId")?;
    if crate::tgw_peering::associate(w, &id, &table) {
        return Ok(Loaded::Done);
    }
    match w.tgw_attachments.get_mut(&id) {
        Some(att) => {
            att.association = Some(table);
            Ok(Loaded::Done)
        }
        None => Ok(Loaded::Skipped(
            "transit-gateway associations of attachments not imported",
        )),
    }
}

/// One `Routes` item of `search-transit-gateway-routes`: a static route is stored (a
/// blackhole when its state says so); a propagated route enables the propagation of its
/// attachment (the routes themselves follow from the attached VPC's blocks).
pub(crate) fn route(w: &mut World, o: Obj, file_name: &str) -> Res<Loaded> {
    // `search-local-gateway-routes` and `describe-client-vpn-routes` print `Routes` too.
    if o.field("LocalGatewayRouteTableId").is_some() || o.field("ClientVpnEndpointId").is_some() {
        return Ok(Loaded::Skipped("local gateway and Client VPN routes"));
    }
    let table = route_table_in_file_name(w, "Routes", file_name)?;
    route_of(w, &table, o)
}

fn route_of(w: &mut World, table: &str, o: Obj) -> Res<Loaded> {
    let Some(raw) = o.opt_str("DestinationCidrBlock")? else {
        return Ok(Loaded::Skipped("transit-gateway routes to prefix lists"));
    };
    if o.field("PrefixListId").is_some() {
        // An entry of a prefix-list reference: it follows from the reference.
        return Ok(Loaded::Skipped(
            "transit-gateway routes of prefix-list references (read from the references)",
        ));
    }
    let destination = parse_cidr::<IpNet>(&o, "DestinationCidrBlock", &raw)?.trunc();
    let mut attachments = Vec::new();
    for (path, a) in o.list("TransitGatewayAttachments")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        attachments.push(a.str("TransitGatewayAttachmentId")?);
    }
    let blackhole = o.opt_str("State")?.as_deref() == Some("blackhole");
    match o.opt_str("Type")?.as_deref() {
        Some("propagated") => {
            for a in attachments {
                learn_on_connection(w, &a, destination);
                propagate(w, table, a);
            }
        }
        _ => {
            let target = match attachments.into_iter().next() {
                Some(a) if !blackhole => RouteTarget::Attachment(a),
                _ => RouteTarget::Blackhole,
            };
            if let Some(t) = w.tgw_route_tables.get_mut(table) {
                t.routes.retain(|r| r.destination != destination);
                t.routes.push(StaticRoute {
                    destination,
                    target,
                });
            }
        }
    }
    Ok(Loaded::Done)
}

/// A route a VPN attachment propagates is one its connection holds (what the customer
/// gateway announced): added to the connection's routes, once, so the core derives it.
fn learn_on_connection(w: &mut World, attachment_id: &str, destination: IpNet) {
    let vpn = w
        .tgw_attachments
        .get(attachment_id)
        .and_then(|a| a.vpn_connection_id.clone());
    let (Some(vpn), IpNet::V4(d)) = (vpn, destination) else {
        return;
    };
    if let Some(c) = w.vpn_connections.get_mut(&vpn) {
        if !c.routes.iter().any(|r| r.destination == d) {
            c.routes
                .push(openvpc_core::vpn::VpnRoute { destination: d });
        }
    }
}

/// Loads one route or propagation of the route table named.
type LoadOne = fn(&mut World, &str, Obj) -> Res<Loaded>;

/// One item of a collector's per-table wrapper — `TransitGatewayStaticRoutes` (`Routes` of
/// one table) or `TransitGatewayPropagations` (`TransitGatewayRouteTablePropagations`), as
/// Batfish's AWS snapshots hold them: each names its `TransitGatewayRouteTableId`, so no file
/// name is needed. Parts of a table not imported are counted as left out.
pub(crate) fn per_table(w: &mut World, key: &str, o: Obj) -> Res<Loaded> {
    let table = o.str("TransitGatewayRouteTableId")?;
    let (list, one): (&str, LoadOne) = match key {
        "TransitGatewayStaticRoutes" => ("Routes", route_of),
        _ => ("TransitGatewayRouteTablePropagations", propagation_of),
    };
    if w.tgw_route_tables.get(&table).is_none() {
        return Ok(Loaded::Skipped(
            "route or propagation lists of transit-gateway route tables not imported",
        ));
    }
    let mut left_out = 0;
    for (path, item) in o.list(list)? {
        let item = Obj {
            value: item,
            path: &path,
        };
        if matches!(one(w, &table, item)?, Loaded::Skipped(_)) {
            left_out += 1;
        }
    }
    Ok(match left_out {
        0 => Loaded::Done,
        n => Loaded::LeftOut("transit-gateway routes or propagations", n),
    })
}
