//! Routes of transit gateway route tables: static routes, blackholes, search.

use ipnet::IpNet;
use openvpc_core::tgw::{self, Cmd, TableRoute};
use openvpc_core::{ApiError, Command, Kind, Result, World};

use super::cidr;
use super::route_tables::resource_of;
use crate::actions::Call;
use crate::params::View;
use crate::xml::Xml;

/// Renders one route of table `rtb`.
fn render_route(x: &mut Xml, w: &World, rtb: &str, r: &TableRoute) {
    x.leaf("destinationCidrBlock", r.destination)
        .opt("prefixListId", r.prefix_list_id.as_deref());
    if let Some(a) = &r.attachment {
        let (kind, resource) = resource_of(w, rtb, a);
        x.list("transitGatewayAttachments", [a], |x, a| {
            x.opt("resourceId", resource.as_deref())
                .leaf("transitGatewayAttachmentId", a)
                .leaf("resourceType", kind);
        });
    }
    x.leaf("type", r.route_type.as_str())
        .leaf("state", r.state());
}

/// A route request's parameters: the table, the destination, the target.
fn route_request(p: &View) -> Result<(String, IpNet, Option<String>, bool)> {
    let rtb = p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    let destination = cidr(&p.req("DestinationCidrBlock")?, "DestinationCidrBlock")?;
    let attachment = p
        .str("TransitGatewayAttachmentId")
        .filter(|s| !s.is_empty());
    if let Some(a) = &attachment {
        Kind::TransitGatewayAttachment.check(a)?;
    }
    Ok((rtb, destination, attachment, p.flag("Blackhole")?))
}

/// The route to `destination` in `rtb` as it stands, for the answer.
fn route_answer(cx: &Call, rtb: &str, destination: IpNet, fallback: TableRoute) -> Xml {
    let w = cx.world();
    let found = w
        .tgw_route_tables
        .get(rtb)
        .and_then(|t| {
            tgw::table_routes(w, t)
                .into_iter()
                .find(|r| r.destination == destination.trunc())
        })
        .unwrap_or(fallback);
    let mut x = Xml::new();
    x.node("route", |x| render_route(x, w, rtb, &found));
    x
}

pub(super) fn create_route(cx: &mut Call) -> Result<Xml> {
    let (route_table_id, destination, attachment_id, blackhole) = route_request(&cx.p())?;
    cx.mutate(Command::Tgw(Cmd::CreateRoute {
        route_table_id: route_table_id.clone(),
        destination,
        attachment_id: attachment_id.clone(),
        blackhole,
    }))?;
    let fallback = static_route(destination, attachment_id);
    Ok(route_answer(cx, &route_table_id, destination, fallback))
}

pub(super) fn replace_route(cx: &mut Call) -> Result<Xml> {
    let (route_table_id, destination, attachment_id, blackhole) = route_request(&cx.p())?;
    cx.mutate(Command::Tgw(Cmd::ReplaceRoute {
        route_table_id: route_table_id.clone(),
        destination,
        attachment_id: attachment_id.clone(),
        blackhole,
    }))?;
    let fallback = static_route(destination, attachment_id);
    Ok(route_answer(cx, &route_table_id, destination, fallback))
}

fn static_route(destination: IpNet, attachment: Option<String>) -> TableRoute {
    TableRoute {
        destination: destination.trunc(),
        attachment,
        route_type: tgw::RouteType::Static,
        prefix_list_id: None,
    }
}

pub(super) fn delete_route(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let route_table_id = p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    let destination = cidr(&p.req("DestinationCidrBlock")?, "DestinationCidrBlock")?;
    let before = cx
        .world()
        .tgw_route_tables
        .get(&route_table_id)
        .and_then(|t| {
            t.routes
                .iter()
                .find(|r| r.destination == destination.trunc())
        })
        .map(|r| match &r.target {
            tgw::RouteTarget::Attachment(a) => Some(a.clone()),
            tgw::RouteTarget::Blackhole => None,
        });
    cx.mutate(Command::Tgw(Cmd::DeleteRoute {
        route_table_id: route_table_id.clone(),
        destination,
    }))?;
    let gone = static_route(destination, before.flatten());
    let mut x = Xml::new();
    x.node("route", |x| {
        render_route(x, cx.world(), &route_table_id, &gone);
    });
    Ok(x)
}

pub(super) fn search_routes(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let rtb = p.req_id("TransitGatewayRouteTableId", Kind::TransitGatewayRouteTable)?;
    let filters = p.filters()?;
    let max = match p.int("MaxResults")? {
        None => 1000,
        Some(n) if (5..=1000).contains(&n) => n as usize,
        Some(n) => {
            return Err(ApiError::invalid_value(format!(
                "Value ( {n} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000."
            )))
        }
    };
    p.ignore("NextToken");
    cx.read()?;
    let w = cx.world();
    let mut found = tgw::search_routes(w, cx.ctx(), &rtb, &filters)?;
    let more = found.len() > max;
    found.truncate(max);
    let mut x = Xml::new();
    x.list("routeSet", found, |x, r| render_route(x, w, &rtb, &r));
    x.leaf("additionalRoutesAvailable", more);
    Ok(x)
}
