//! VPC peering connections.

use ipnet::{Ipv4Net, Ipv6Net};
use openvpc_core::peering::{Blocks, Options, Peering, Side, Status};
use openvpc_core::{Scope, World};
use serde_json::Value;

use crate::json::{cidr as parse_cidr, Obj, Res};

fn side(o: &Obj, name: &str) -> Res<(Side, Blocks)> {
    let v = o
        .child(name)
        .ok_or_else(|| format!("field `{}.{name}`: missing", o.path))?;
    let path = format!("{}.{name}", o.path);
    let s = Obj {
        value: &v,
        path: &path,
    };
    let mut blocks = Blocks::default();
    for (p, c) in s.list("CidrBlockSet")? {
        let c = Obj { value: c, path: &p };
        let raw = c.str("CidrBlock")?;
        blocks
            .v4
            .push(parse_cidr::<Ipv4Net>(&c, "CidrBlock", &raw)?.trunc());
    }
    if blocks.v4.is_empty() {
        if let Some(raw) = s.opt_str("CidrBlock")? {
            blocks
                .v4
                .push(parse_cidr::<Ipv4Net>(&s, "CidrBlock", &raw)?.trunc());
        }
    }
    for (p, c) in s.list("Ipv6CidrBlockSet")? {
        let c = Obj { value: c, path: &p };
        let raw = c.str("Ipv6CidrBlock")?;
        blocks
            .v6
            .push(parse_cidr::<Ipv6Net>(&c, "Ipv6CidrBlock", &raw)?.trunc());
    }
    Ok((
        Side {
            account: s.str("OwnerId")?,
            region: s.opt_str("Region")?.unwrap_or_default(),
            vpc_id: s.str("VpcId")?,
        },
        blocks,
    ))
}

pub(super) fn peering(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let id = o.str("VpcPeeringConnectionId")?;
    if w.peerings.get(&id).is_some() {
        return Ok(()); // seen from the other side already
    }
    let (mut requester, requester_blocks) = side(&o, "RequesterVpcInfo")?;
    let (mut accepter, accepter_blocks) = side(&o, "AccepterVpcInfo")?;
    for s in [&mut requester, &mut accepter] {
        if s.region.is_empty() {
            s.region = scope.region.clone();
        }
    }
    let code = o
        .field("Status")
        .and_then(|s| s.get("Code"))
        .and_then(Value::as_str)
        .unwrap_or("active");
    let status = match code {
        "initiating-request" => Status::InitiatingRequest,
        "pending-acceptance" => Status::PendingAcceptance,
        "provisioning" => Status::Provisioning,
        "active" => Status::Active,
        "deleting" => Status::Deleting,
        "deleted" => Status::Deleted,
        "rejected" => Status::Rejected,
        "failed" => Status::Failed,
        "expired" => Status::Expired,
        other => {
            return Err(format!(
                "field `{}.Status.Code`: unknown status `{other}`",
                o.path
            ))
        }
    };
    let message = o
        .field("Status")
        .and_then(|s| s.get("Message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    w.peerings.insert(Peering {
        id,
        requester,
        accepter,
        status,
        message,
        created: 0,
        expiration: i64::MAX,
        step_due: 0,
        accepted: matches!(status, Status::Active | Status::Provisioning).then_some(0),
        requester_options: Options::default(),
        accepter_options: Some(Options::default()),
        requester_blocks,
        accepter_blocks,
        requester_until: None,
        accepter_until: None,
        deleted_by: None,
    });
    Ok(())
}
