//! The VPC resolvers: one UDP server per router namespace with DNS support, answering
//! from its zone ([`crate::model::Zone`]) on port 53 of every router address (base + 2 and
//! 169.254.169.253), with messages parsed and written by hickory-proto. A name outside
//! the zone is NXDOMAIN: nothing is forwarded out of the host.

use std::collections::BTreeMap;
use std::net::{IpAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::{rdata, RData, Record, RecordType};

use crate::kernel;
use crate::model::Zone;

/// How long a server waits for a query before checking whether it should stop.
const POLL: Duration = Duration::from_millis(200);
/// Time to live of every answer.
const TTL: u32 = 60;

#[derive(Debug)]
struct Server {
    zone: Arc<RwLock<Zone>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// The running resolvers, by router namespace.
#[derive(Debug, Default)]
pub struct Resolvers {
    servers: BTreeMap<String, Server>,
}

impl Resolvers {
    /// Stops the servers of namespaces not in `zones` (before those namespaces go: an
    /// open socket would keep a namespace alive).
    pub fn stop_others(&mut self, zones: &BTreeMap<String, Zone>) {
        let gone: Vec<String> = self
            .servers
            .keys()
            .filter(|n| !zones.contains_key(*n))
            .cloned()
            .collect();
        for n in gone {
            if let Some(mut s) = self.servers.remove(&n) {
                s.stop.store(true, Ordering::SeqCst);
                if let Some(t) = s.thread.take() {
                    let _ = t.join();
                }
            }
        }
    }

    /// Starts servers for new namespaces and replaces every zone.
    pub fn sync(&mut self, zones: &BTreeMap<String, Zone>) -> Vec<String> {
        self.stop_others(zones);
        let mut errors = Vec::new();
        for (ns, zone) in zones {
            if let Some(s) = self.servers.get(ns) {
                *s.zone.write().unwrap_or_else(|p| p.into_inner()) = zone.clone();
                continue;
            }
            match start(ns, zone.clone()) {
                Ok(s) => {
                    self.servers.insert(ns.clone(), s);
                }
                Err(e) => errors.push(format!("resolver in {ns}: {e}")),
            }
        }
        errors
    }

    /// Stops every server.
    pub fn stop_all(&mut self) {
        self.stop_others(&BTreeMap::new());
    }
}

fn start(ns: &str, zone: Zone) -> Result<Server, String> {
    let socket = kernel::in_namespace(ns, || {
        let s = UdpSocket::bind(("0.0.0.0", 53)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(POLL)).map_err(|e| e.to_string())?;
        Ok(s)
    })?;
    let zone = Arc::new(RwLock::new(zone));
    let stop = Arc::new(AtomicBool::new(false));
    let (z, st) = (zone.clone(), stop.clone());
    let thread = std::thread::Builder::new()
        .name(format!("dns {ns}"))
        .spawn(move || serve(socket, z, st))
        .map_err(|e| e.to_string())?;
    Ok(Server {
        zone,
        stop,
        thread: Some(thread),
    })
}

fn serve(socket: UdpSocket, zone: Arc<RwLock<Zone>>, stop: Arc<AtomicBool>) {
    let mut buf = [0u8; 1500];
    while !stop.load(Ordering::SeqCst) {
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            continue;
        };
        let zone = zone.read().unwrap_or_else(|p| p.into_inner());
        if let Some(reply) = answer(&buf[..n], &zone) {
            let _ = socket.send_to(&reply, from);
        }
    }
}

/// The reply to one query (`None` for what is not a query).
pub fn answer(query: &[u8], zone: &Zone) -> Option<Vec<u8>> {
    let q = Message::from_vec(query).ok()?;
    if q.message_type() != MessageType::Query {
        return None;
    }
    let mut r = Message::new();
    r.set_id(q.id())
        .set_message_type(MessageType::Response)
        .set_op_code(q.op_code())
        .set_recursion_desired(q.recursion_desired())
        .set_recursion_available(true)
        .set_authoritative(true);
    let Some(question) = q.queries().first() else {
        r.set_response_code(ResponseCode::FormErr);
        return r.to_vec().ok();
    };
    r.add_query(question.clone());
    let name = question
        .name()
        .to_ascii()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let Some(addrs) = zone.get(&name) else {
        r.set_response_code(ResponseCode::NXDomain);
        return r.to_vec().ok();
    };
    for a in addrs {
        let data = match (a, question.query_type()) {
            (IpAddr::V4(a), RecordType::A) => RData::A(rdata::A(*a)),
            (IpAddr::V6(a), RecordType::AAAA) => RData::AAAA(rdata::AAAA(*a)),
            _ => continue,
        };
        r.add_answer(Record::from_rdata(question.name().clone(), TTL, data));
    }
    r.to_vec().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Query;
    use hickory_proto::rr::Name;

    fn ask(zone: &Zone, name: &str, t: RecordType) -> Message {
        let mut q = Message::new();
        q.set_id(7)
            .add_query(Query::query(Name::from_ascii(name).unwrap(), t));
        Message::from_vec(&answer(&q.to_vec().unwrap(), zone).unwrap()).unwrap()
    }

    #[test]
    fn answers_from_the_zone_and_nothing_else() {
        let mut zone = Zone::new();
        zone.insert(
            "ip-10-0-1-4.ec2.internal".into(),
            vec!["10.0.1.4".parse().unwrap()],
        );
        let r = ask(&zone, "IP-10-0-1-4.ec2.internal.", RecordType::A);
        assert_eq!(r.id(), 7);
        assert_eq!(r.response_code(), ResponseCode::NoError);
        assert_eq!(r.answers().len(), 1);
        assert_eq!(
            ask(&zone, "ip-10-0-1-4.ec2.internal.", RecordType::AAAA)
                .answers()
                .len(),
            0
        );
        assert_eq!(
            ask(&zone, "example.com.", RecordType::A).response_code(),
            ResponseCode::NXDomain
        );
        assert!(answer(b"garbage", &zone).is_none());
    }
}
