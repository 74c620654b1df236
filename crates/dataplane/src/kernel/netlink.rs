//! Links, addresses, neighbours, routes and rules over rtnetlink: one connection in the
//! calling thread's namespace (no `ip` process), driven by a current-thread runtime, with
//! requests sent in order (the kernel applies a socket's messages in the order sent).

use std::collections::HashMap;
use std::fs::File;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::AsRawFd;
use std::path::Path;

use futures_util::TryStreamExt;
use ipnet::IpNet;
use rtnetlink::packet_route::address::{AddressAttribute, AddressFlags};
use rtnetlink::packet_route::link::{InfoData, InfoKind, InfoVeth, LinkAttribute};
use rtnetlink::packet_route::neighbour::NeighbourState;
use rtnetlink::packet_route::route::{RouteMessage, RouteScope, RouteType};
use rtnetlink::packet_route::rule::{RuleAction, RuleMessage};
use rtnetlink::{Handle, LinkMessageBuilder, LinkUnspec, RouteMessageBuilder};

use crate::model::{Link, Obj, RouteTo};

/// Runs `f` with a netlink handle on the calling thread's namespace.
fn run<T, F>(f: impl FnOnce(Handle) -> F) -> Result<T, String>
where
    F: std::future::Future<Output = Result<T, String>>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(|e| format!("netlink runtime: {e}"))?;
    rt.block_on(async {
        let (conn, handle, _) =
            rtnetlink::new_connection().map_err(|e| format!("netlink socket: {e}"))?;
        let task = tokio::spawn(conn);
        let out = f(handle).await;
        task.abort();
        out
    })
}

/// Interface indexes by name.
async fn indexes(h: &Handle) -> Result<HashMap<String, u32>, String> {
    let mut links = h.link().get().execute();
    let mut out = HashMap::new();
    while let Some(m) = links.try_next().await.map_err(|e| e.to_string())? {
        for a in &m.attributes {
            if let LinkAttribute::IfName(n) = a {
                out.insert(n.clone(), m.header.index);
            }
        }
    }
    Ok(out)
}

fn index(ix: &HashMap<String, u32>, dev: &str) -> Result<u32, String> {
    ix.get(dev).copied().ok_or_else(|| format!("no link {dev}"))
}

fn route_message(
    ix: &HashMap<String, u32>,
    table: u32,
    dst: &IpNet,
    to: &RouteTo,
) -> Result<RouteMessage, String> {
    let kind = match to {
        RouteTo::Via { .. } => RouteType::Unicast,
        RouteTo::Throw => RouteType::Throw,
        RouteTo::Prohibit => RouteType::Prohibit,
        RouteTo::Local { .. } => RouteType::Local,
    };
    let via = match to {
        RouteTo::Via { gw, dev } => Some((*gw, index(ix, dev)?)),
        _ => None,
    };
    let local = match to {
        RouteTo::Local { dev } => Some(index(ix, dev)?),
        _ => None,
    };
    Ok(match dst {
        IpNet::V4(n) => {
            let mut b = RouteMessageBuilder::<Ipv4Addr>::new()
                .destination_prefix(n.addr(), n.prefix_len())
                .table_id(table)
                .kind(kind);
            if let Some((gw, oif)) = via {
                b = b.via(gw).output_interface(oif);
            }
            if let Some(oif) = local {
                b = b.output_interface(oif).scope(RouteScope::Host);
            }
            b.build()
        }
        IpNet::V6(n) => {
            let mut b = RouteMessageBuilder::<Ipv6Addr>::new()
                .destination_prefix(n.addr(), n.prefix_len())
                .table_id(table)
                .kind(kind);
            if let Some((gw, oif)) = via {
                b = b.gateway(gw).output_interface(oif);
            }
            if let Some(oif) = local {
                b = b.output_interface(oif).scope(RouteScope::Host);
            }
            b.build()
        }
    })
}

fn rule_message(
    h: &Handle,
    v6: bool,
    pref: u32,
    iif: &Option<String>,
    to: &Option<IpNet>,
    table: Option<u32>,
) -> RuleMessage {
    let mut r = h.rule().add().priority(pref);
    r = match table {
        Some(t) => r.table_id(t).action(RuleAction::ToTable),
        None => r.action(RuleAction::Prohibit),
    };
    if let Some(i) = iif {
        r = r.input_interface(i.clone());
    }
    match (v6, to) {
        (false, Some(IpNet::V4(n))) => r
            .v4()
            .destination_prefix(n.addr(), n.prefix_len())
            .message_mut()
            .clone(),
        (true, Some(IpNet::V6(n))) => r
            .v6()
            .destination_prefix(n.addr(), n.prefix_len())
            .message_mut()
            .clone(),
        (false, _) => r.v4().message_mut().clone(),
        (true, _) => r.v6().message_mut().clone(),
    }
}

/// Adds (or replaces) one object.
async fn add(h: &Handle, ix: &HashMap<String, u32>, o: &Obj) -> Result<(), String> {
    let done = match o {
        Obj::Up { dev, mtu } => {
            let mut b = LinkUnspec::new_with_index(index(ix, dev)?).up();
            if let Some(m) = mtu {
                b = b.mtu(*m);
            }
            h.link().set(b.build()).execute().await
        }
        Obj::Addr {
            dev,
            net,
            noprefixroute,
        } => {
            let mut r = h
                .address()
                .add(index(ix, dev)?, net.addr(), net.prefix_len())
                .replace();
            if *noprefixroute {
                r.message_mut()
                    .attributes
                    .push(AddressAttribute::Flags(AddressFlags::Noprefixroute));
            }
            r.execute().await
        }
        Obj::Neigh { dev, ip, mac } => {
            h.neighbours()
                .add(index(ix, dev)?, *ip)
                .link_layer_address(mac)
                .state(NeighbourState::Permanent)
                .replace()
                .execute()
                .await
        }
        Obj::Route { table, dst, to } => {
            h.route()
                .add(route_message(ix, *table, dst, to)?)
                .replace()
                .execute()
                .await
        }
        Obj::Rule {
            v6,
            pref,
            iif,
            to,
            table,
        } => {
            let m = rule_message(h, *v6, *pref, iif, to, *table);
            let mut r = h.rule().add();
            *r.message_mut() = m;
            r.execute().await
        }
    };
    done.map_err(|e| format!("{o}: {e}"))
}

/// Removes one object (links keep their state: nothing to remove).
async fn del(h: &Handle, ix: &HashMap<String, u32>, o: &Obj) -> Result<(), String> {
    let done = match o {
        Obj::Up { .. } => return Ok(()),
        Obj::Addr { dev, net, .. } => {
            let mut r = h
                .address()
                .add(index(ix, dev)?, net.addr(), net.prefix_len());
            let m = r.message_mut().clone();
            h.address().del(m).execute().await
        }
        Obj::Neigh { dev, ip, .. } => {
            let mut r = h.neighbours().add(index(ix, dev)?, *ip);
            let m = r.message_mut().clone();
            h.neighbours().del(m).execute().await
        }
        Obj::Route { table, dst, to } => {
            h.route()
                .del(route_message(ix, *table, dst, to)?)
                .execute()
                .await
        }
        Obj::Rule {
            v6,
            pref,
            iif,
            to,
            table,
        } => {
            h.rule()
                .del(rule_message(h, *v6, *pref, iif, to, *table))
                .execute()
                .await
        }
    };
    done.map_err(|e| format!("removing {o}: {e}"))
}

/// In the calling thread's namespace: sets `lo`'s alias (when given), removes `dels`
/// (errors ignored: the kernel may have dropped them with a link) and adds `adds`, in
/// the given order.
pub fn apply(alias: Option<&str>, dels: &[&Obj], adds: &[&Obj]) -> Result<(), String> {
    run(|h| async move {
        let ix = indexes(&h).await?;
        if let Some(a) = alias {
            let lo = index(&ix, "lo")?;
            h.link()
                .set(LinkUnspec::new_with_index(lo).alias(a).build())
                .execute()
                .await
                .map_err(|e| format!("alias of lo: {e}"))?;
        }
        for o in dels {
            let _ = del(&h, &ix, o).await;
        }
        let mut errors = Vec::new();
        for o in adds {
            if let Err(e) = add(&h, &ix, o).await {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    })
}

fn mac_bytes(mac: &str) -> Vec<u8> {
    mac.split(':')
        .map(|p| u8::from_str_radix(p, 16).unwrap_or(0))
        .collect()
}

/// Creates veth pairs, each end born in its own namespace (nothing stays in the calling
/// thread's namespace).
pub fn create_veths(links: &[&Link], netns_dir: &Path) -> Result<(), String> {
    run(|h| async move {
        let mut errors = Vec::new();
        for l in links {
            let open = |ns: &str| File::open(netns_dir.join(ns)).map_err(|e| format!("{ns}: {e}"));
            let (a, b) = match (open(&l.a_ns), open(&l.b_ns)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => {
                    errors.push(e);
                    continue;
                }
            };
            let peer = LinkMessageBuilder::<LinkUnspec>::new()
                .name(l.b_name.clone())
                .address(mac_bytes(&l.b_mac))
                .setns_by_fd(b.as_raw_fd())
                .build();
            let msg = LinkMessageBuilder::<LinkUnspec>::new_with_info_kind(InfoKind::Veth)
                .name(l.a_name.clone())
                .address(mac_bytes(&l.a_mac))
                .setns_by_fd(a.as_raw_fd())
                .set_info_data(InfoData::Veth(InfoVeth::Peer(peer)))
                .build();
            if let Err(e) = h.link().add(msg).execute().await {
                errors.push(format!(
                    "veth {}/{} = {}/{}: {e}",
                    l.a_ns, l.a_name, l.b_ns, l.b_name
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    })
}

/// Deletes links by name in the calling thread's namespace (the peer end goes too).
pub fn delete_links(names: &[String]) -> Result<(), String> {
    run(|h| async move {
        let ix = indexes(&h).await?;
        for n in names {
            if let Some(&i) = ix.get(n) {
                let _ = h.link().del(i).execute().await;
            }
        }
        Ok(())
    })
}

/// The alias of `lo` in the calling thread's namespace.
pub fn lo_alias() -> Option<String> {
    run(|h| async move {
        let mut links = h.link().get().match_index(1).execute();
        while let Some(m) = links.try_next().await.map_err(|e| e.to_string())? {
            for a in m.attributes {
                if let LinkAttribute::IfAlias(s) = a {
                    return Ok(Some(s));
                }
            }
        }
        Ok(None)
    })
    .ok()
    .flatten()
}
