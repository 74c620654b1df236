//! Stand-ins for what lies outside a VPC: in the internet namespace (198.51.100.10,
//! 2001:db8:5100::10 and the public addresses of S3 and DynamoDB) and in every gateway
//! endpoint's service namespace, TCP 80 and 443 (IPv4 and IPv6) answer a short HTTP response naming the stand-in and the address it
//! sees the client at (the kernel answers ICMP echo).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::kernel;

/// How often an idle listener checks whether it should stop.
const POLL: Duration = Duration::from_millis(100);

#[derive(Debug)]
struct Running {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

/// The running stand-ins, by namespace.
#[derive(Debug, Default)]
pub struct StandIns {
    running: BTreeMap<String, Running>,
}

impl StandIns {
    /// Stops stand-ins of namespaces not in `wanted` (before those namespaces go).
    pub fn stop_others(&mut self, wanted: &BTreeMap<String, String>) {
        let gone: Vec<String> = self
            .running
            .keys()
            .filter(|n| !wanted.contains_key(*n))
            .cloned()
            .collect();
        for n in gone {
            if let Some(r) = self.running.remove(&n) {
                r.stop.store(true, Ordering::SeqCst);
                for t in r.threads {
                    let _ = t.join();
                }
            }
        }
    }

    /// Starts the stand-ins of new namespaces.
    pub fn sync(&mut self, wanted: &BTreeMap<String, String>) -> Vec<String> {
        self.stop_others(wanted);
        let mut errors = Vec::new();
        for (ns, name) in wanted {
            if self.running.contains_key(ns) {
                continue;
            }
            match start(ns, name) {
                Ok(r) => {
                    self.running.insert(ns.clone(), r);
                }
                Err(e) => errors.push(format!("stand-in in {ns}: {e}")),
            }
        }
        errors
    }

    pub fn stop_all(&mut self) {
        self.stop_others(&BTreeMap::new());
    }
}

fn start(ns: &str, name: &str) -> Result<Running, String> {
    let listeners = kernel::in_namespace(ns, || {
        let mut out = Vec::new();
        for port in [80u16, 443] {
            for v6 in [false, true] {
                let l = listen(port, v6).map_err(|e| e.to_string())?;
                l.set_nonblocking(true).map_err(|e| e.to_string())?;
                out.push(l);
            }
        }
        Ok(out)
    })?;
    let stop = Arc::new(AtomicBool::new(false));
    let threads = listeners
        .into_iter()
        .map(|l| {
            let (stop, name) = (stop.clone(), name.to_string());
            std::thread::spawn(move || serve(l, &name, &stop))
        })
        .collect();
    Ok(Running { stop, threads })
}

/// A listener on `port` of every IPv4 address, or (`v6`) only every IPv6 address.
fn listen(port: u16, v6: bool) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Socket, Type};
    let (domain, any): (Domain, std::net::IpAddr) = if v6 {
        (Domain::IPV6, std::net::Ipv6Addr::UNSPECIFIED.into())
    } else {
        (Domain::IPV4, std::net::Ipv4Addr::UNSPECIFIED.into())
    };
    let s = Socket::new(domain, Type::STREAM, None)?;
    if v6 {
        s.set_only_v6(true)?;
    }
    s.set_reuse_address(true)?;
    s.bind(&std::net::SocketAddr::new(any, port).into())?;
    s.listen(128)?;
    Ok(s.into())
}

fn serve(listener: TcpListener, name: &str, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((mut c, peer)) => {
                let _ = c.set_nonblocking(false);
                let _ = c.set_read_timeout(Some(Duration::from_millis(200)));
                let mut buf = [0u8; 1024];
                let _ = c.read(&mut buf);
                let body = format!("{name} {}\n", peer.ip());
                let _ = c.write_all(
                    format!(
                        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
            Err(_) => std::thread::sleep(POLL),
        }
    }
}
