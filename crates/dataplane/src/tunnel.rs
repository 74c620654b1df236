//! Inter-Region peering over an encrypted tunnel: userspace WireGuard (boringtun's Noise
//! state machine, [`Tunn`]) between a TUN device in each of the two VPC routers and a UDP
//! socket in each Region's namespace. A socket stays bound to the namespace it was made
//! in, so one worker thread per end reads plaintext from the router's TUN and sends
//! ciphertext over the backbone veth between the Regions, and back: that link never
//! carries anything but WireGuard messages. Keys are made fresh for every tunnel start
//! from the OS's randomness and never leave the process.
//!
//! A TUN device and a socket keep their namespace alive, so tunnels are stopped before
//! their namespaces are deleted ([`Tunnels::stop_others`]).

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, SocketAddrV6, UdpSocket};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use boringtun::noise::{Tunn, TunnResult};
use boringtun::x25519::{PublicKey, StaticSecret};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use tun_rs::{DeviceBuilder, SyncDevice};

use crate::kernel;
use crate::model::{Tunnel, TunnelEnd};

/// How often a worker runs WireGuard's timers (handshake retries, rekeying) and checks
/// whether it should stop.
const TICK: Duration = Duration::from_millis(100);
/// The TUN device's MTU: AWS's for inter-Region peering. The backbone's is larger, so an
/// encrypted packet (plus 80 bytes of IPv6, UDP and WireGuard) is never fragmented.
pub const TUN_MTU: u16 = 1500;
/// The backbone veth's MTU.
pub const BACKBONE_MTU: u32 = 9000;
/// Packets a worker moves in one direction before looking at the other.
const BURST: usize = 64;
/// The largest packet read from a TUN device or a socket.
const MAX_PACKET: usize = 65_536;

/// Sender indexes of WireGuard sessions, unique within the process.
static NEXT_INDEX: AtomicU32 = AtomicU32::new(1);

#[derive(Debug)]
struct Running {
    spec: Tunnel,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

/// The running tunnels, by peering id.
#[derive(Debug, Default)]
pub struct Tunnels {
    running: BTreeMap<String, Running>,
}

impl Tunnels {
    /// Stops the tunnels not in `wanted` or wanted differently (before their namespaces
    /// go, or to be started again).
    pub fn stop_others(&mut self, wanted: &BTreeMap<String, Tunnel>) {
        let gone: Vec<String> = self
            .running
            .iter()
            .filter(|(id, r)| wanted.get(*id) != Some(&r.spec))
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            if let Some(r) = self.running.remove(&id) {
                r.stop.store(true, Ordering::SeqCst);
                for t in r.threads {
                    let _ = t.join();
                }
            }
        }
    }

    /// Starts the wanted tunnels that do not run. Returns the TUN devices made, as
    /// (router namespace, device name), and the errors.
    pub fn sync(
        &mut self,
        wanted: &BTreeMap<String, Tunnel>,
    ) -> (Vec<(String, String)>, Vec<String>) {
        self.stop_others(wanted);
        let mut made = Vec::new();
        let mut errors = Vec::new();
        for (id, spec) in wanted {
            if self.running.contains_key(id) {
                continue;
            }
            match start(spec) {
                Ok(r) => {
                    made.extend(spec.ends.iter().map(|e| (e.router.clone(), e.tun.clone())));
                    self.running.insert(id.clone(), r);
                }
                Err(e) => errors.push(format!("tunnel of {id}: {e}")),
            }
        }
        (made, errors)
    }

    /// Stops every tunnel.
    pub fn stop_all(&mut self) {
        self.stop_others(&BTreeMap::new());
    }

    /// How many tunnels run.
    pub fn len(&self) -> usize {
        self.running.len()
    }

    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }
}

impl Drop for Tunnels {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// A fresh X25519 secret from the OS's randomness.
fn secret() -> Result<StaticSecret, String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(StaticSecret::from(bytes))
}

/// The end's UDP socket, bound to its backbone address in its Region's namespace, and the
/// backbone's interface index (the scope of the link-local addresses).
fn open_socket(end: &TunnelEnd) -> Result<(UdpSocket, u32), String> {
    kernel::in_namespace(&end.region, || {
        let scope = nix::net::if_::if_nametoindex(end.backbone.as_str())
            .map_err(|e| format!("{}: {e}", end.backbone))?;
        let s = UdpSocket::bind(SocketAddrV6::new(end.local, 0, 0, scope))
            .map_err(|e| format!("bind [{}%{}]: {e}", end.local, end.backbone))?;
        s.set_nonblocking(true).map_err(|e| e.to_string())?;
        Ok((s, scope))
    })
}

/// The end's TUN device, made in its router's namespace.
fn open_tun(end: &TunnelEnd) -> Result<SyncDevice, String> {
    kernel::in_namespace(&end.router, || {
        let dev = DeviceBuilder::new()
            .name(end.tun.as_str())
            .mtu(TUN_MTU)
            .build_sync()
            .map_err(|e| format!("TUN {} in {}: {e}", end.tun, end.router))?;
        dev.set_nonblocking(true).map_err(|e| e.to_string())?;
        Ok(dev)
    })
}

/// Opens both ends' sockets and devices, then starts a worker per end.
fn start(spec: &Tunnel) -> Result<Running, String> {
    let secrets = [secret()?, secret()?];
    let publics = [PublicKey::from(&secrets[0]), PublicKey::from(&secrets[1])];
    let sockets = [open_socket(&spec.ends[0])?, open_socket(&spec.ends[1])?];
    let ports = [
        sockets[0].0.local_addr().map_err(|e| e.to_string())?.port(),
        sockets[1].0.local_addr().map_err(|e| e.to_string())?.port(),
    ];
    let devices = [open_tun(&spec.ends[0])?, open_tun(&spec.ends[1])?];
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    let ends = secrets.into_iter().zip(sockets).zip(devices).enumerate();
    for (k, ((secret, (socket, scope)), device)) in ends {
        let other = 1 - k;
        let peer = SocketAddr::V6(SocketAddrV6::new(
            spec.ends[k].remote,
            ports[other],
            0,
            scope,
        ));
        let index = NEXT_INDEX.fetch_add(1, Ordering::Relaxed) & 0x00ff_ffff;
        let tunn = Tunn::new(secret, publics[other], None, None, index, None);
        let worker = Worker {
            tunn,
            device,
            socket,
            peer,
        };
        let stop = stop.clone();
        let thread = std::thread::Builder::new()
            .name(format!("wg {}", spec.ends[k].tun))
            .spawn(move || worker.run(&stop, k == 0))
            .map_err(|e| e.to_string())?;
        threads.push(thread);
    }
    Ok(Running {
        spec: spec.clone(),
        stop,
        threads,
    })
}

/// One end of a tunnel at work.
struct Worker {
    tunn: Tunn,
    device: SyncDevice,
    socket: UdpSocket,
    peer: SocketAddr,
}

impl Worker {
    fn run(mut self, stop: &AtomicBool, initiate: bool) {
        let mut src = vec![0u8; MAX_PACKET];
        let mut dst = vec![0u8; MAX_PACKET + 148];
        if initiate {
            // Shake hands at once, so the first packet does not wait for it.
            if let TunnResult::WriteToNetwork(p) =
                self.tunn.format_handshake_initiation(&mut dst, false)
            {
                let _ = self.socket.send_to(p, self.peer);
            }
        }
        let mut timers = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            let (from_tun, from_net) = {
                let mut fds = [
                    PollFd::new(self.device.as_fd(), PollFlags::POLLIN),
                    PollFd::new(self.socket.as_fd(), PollFlags::POLLIN),
                ];
                let timeout = PollTimeout::try_from(TICK).unwrap_or(PollTimeout::NONE);
                if poll(&mut fds, timeout).is_err() {
                    continue;
                }
                let ready = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
                (ready(&fds[0]), ready(&fds[1]))
            };
            if from_tun {
                self.outbound(&mut src, &mut dst);
            }
            if from_net {
                self.inbound(&mut src, &mut dst);
            }
            if timers.elapsed() >= TICK {
                timers = Instant::now();
                if let TunnResult::WriteToNetwork(p) = self.tunn.update_timers(&mut dst) {
                    let _ = self.socket.send_to(p, self.peer);
                }
            }
        }
    }

    /// Plaintext from the router → ciphertext to the other Region.
    fn outbound(&mut self, src: &mut [u8], dst: &mut [u8]) {
        for _ in 0..BURST {
            let n = match self.device.recv(src) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return,
            };
            if let TunnResult::WriteToNetwork(p) = self.tunn.encapsulate(&src[..n], dst) {
                let _ = self.socket.send_to(p, self.peer);
            }
        }
    }

    /// Ciphertext from the other Region → plaintext to the router (and handshake
    /// messages back).
    fn inbound(&mut self, src: &mut [u8], dst: &mut [u8]) {
        for _ in 0..BURST {
            let (n, from) = match self.socket.recv_from(src) {
                Ok(x) => x,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return,
            };
            let mut datagram = &src[..n];
            loop {
                match self.tunn.decapsulate(Some(from.ip()), datagram, dst) {
                    TunnResult::WriteToNetwork(p) => {
                        let _ = self.socket.send_to(p, self.peer);
                        // Queued packets follow a completed handshake.
                        datagram = &[];
                    }
                    TunnResult::WriteToTunnelV4(p, _) | TunnResult::WriteToTunnelV6(p, _) => {
                        let _ = self.device.send(p);
                        break;
                    }
                    TunnResult::Done | TunnResult::Err(_) => break,
                }
            }
        }
    }
}
