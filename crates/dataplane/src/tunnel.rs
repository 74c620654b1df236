//! Inter-Region peering over an encrypted tunnel: userspace WireGuard (boringtun's Noise
//! state machine, [`Tunn`]) between a TUN device in each of the two VPC routers and a UDP
//! socket in each Region's namespace. A socket stays bound to the namespace it was made
//! in, so at each end one worker thread reads plaintext from the router's TUN and sends
//! ciphertext over the backbone veth between the Regions, and another does the reverse:
//! that link never carries anything but WireGuard messages. Keys are made fresh for every tunnel start
//! from the OS's randomness and never leave the process.
//!
//! A TUN device and a socket keep their namespace alive, so tunnels are stopped before
//! their namespaces are deleted ([`Tunnels::stop_others`]).

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read};
use std::net::{IpAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
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
/// encrypted packet (plus 60 bytes of IPv4, UDP and WireGuard) is never fragmented.
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

/// The end's UDP socket, bound to its backbone address in its Region's namespace.
fn open_socket(end: &TunnelEnd) -> Result<UdpSocket, String> {
    kernel::in_namespace(&end.region, || {
        let s = UdpSocket::bind(SocketAddrV4::new(end.local, 0))
            .map_err(|e| format!("bind {} on {}: {e}", end.local, end.backbone))?;
        s.set_nonblocking(true).map_err(|e| e.to_string())?;
        Ok(s)
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

/// Opens both ends' sockets and devices, then starts two workers per end (one per
/// direction).
fn start(spec: &Tunnel) -> Result<Running, String> {
    let secrets = [secret()?, secret()?];
    let publics = [PublicKey::from(&secrets[0]), PublicKey::from(&secrets[1])];
    let sockets = [open_socket(&spec.ends[0])?, open_socket(&spec.ends[1])?];
    let ports = [
        sockets[0].local_addr().map_err(|e| e.to_string())?.port(),
        sockets[1].local_addr().map_err(|e| e.to_string())?.port(),
    ];
    let devices = [open_tun(&spec.ends[0])?, open_tun(&spec.ends[1])?];
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    let ends = secrets.into_iter().zip(sockets).zip(devices).enumerate();
    for (k, ((secret, socket), device)) in ends {
        let other = 1 - k;
        let peer = SocketAddrV4::new(spec.ends[k].remote, ports[other]);
        socket
            .connect(peer)
            .map_err(|e| format!("connect to {peer}: {e}"))?;
        let index = NEXT_INDEX.fetch_add(1, Ordering::Relaxed) & 0x00ff_ffff;
        let end = Arc::new(End {
            tunn: Mutex::new(Tunn::new(secret, publics[other], None, None, index, None)),
            device,
            socket,
            peer: IpAddr::V4(*peer.ip()),
        });
        if k == 0 {
            // Shake hands at once, so the first packet does not wait for it.
            end.handshake();
        }
        let name = &spec.ends[k].tun;
        for outbound in [true, false] {
            let (end, stop) = (end.clone(), stop.clone());
            let thread = std::thread::Builder::new()
                .name(format!("wg {name} {}", if outbound { "out" } else { "in" }))
                .spawn(move || end.run(&stop, outbound))
                .map_err(|e| e.to_string())?;
            threads.push(thread);
        }
    }
    Ok(Running {
        spec: spec.clone(),
        stop,
        threads,
    })
}

/// One end of a tunnel: its WireGuard state, its TUN device and its (connected) socket,
/// shared by a worker per direction.
struct End {
    tunn: Mutex<Tunn>,
    device: SyncDevice,
    socket: UdpSocket,
    peer: IpAddr,
}

impl End {
    fn tunn(&self) -> std::sync::MutexGuard<'_, Tunn> {
        self.tunn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn handshake(&self) {
        let mut dst = vec![0u8; 256];
        if let TunnResult::WriteToNetwork(p) =
            self.tunn().format_handshake_initiation(&mut dst, false)
        {
            let _ = self.socket.send(p);
        }
    }

    /// Moves packets one way until told to stop; the inbound worker also runs WireGuard's
    /// timers.
    fn run(&self, stop: &AtomicBool, outbound: bool) {
        let mut src = vec![0u8; MAX_PACKET];
        let mut dst = vec![0u8; MAX_PACKET + 148];
        let mut timers = Instant::now();
        let timeout = PollTimeout::try_from(TICK).unwrap_or(PollTimeout::NONE);
        while !stop.load(Ordering::Relaxed) {
            let ready = {
                let fd = if outbound {
                    self.device.as_fd()
                } else {
                    self.socket.as_fd()
                };
                let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
                poll(&mut fds, timeout).is_ok_and(|n| n > 0)
            };
            if ready && outbound {
                self.outbound(&mut src, &mut dst);
            } else if ready {
                self.inbound(&mut src, &mut dst);
            }
            if !outbound && timers.elapsed() >= TICK {
                timers = Instant::now();
                if let TunnResult::WriteToNetwork(p) = self.tunn().update_timers(&mut dst) {
                    let _ = self.socket.send(p);
                }
            }
        }
    }

    /// Plaintext from the router → ciphertext to the other Region.
    fn outbound(&self, src: &mut [u8], dst: &mut [u8]) {
        for _ in 0..BURST {
            let n = match self.device.recv(src) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return,
            };
            if let TunnResult::WriteToNetwork(p) = self.tunn().encapsulate(&src[..n], dst) {
                let _ = self.socket.send(p);
            }
        }
    }

    /// Ciphertext from the other Region → plaintext to the router (and handshake
    /// messages back).
    fn inbound(&self, src: &mut [u8], dst: &mut [u8]) {
        for _ in 0..BURST {
            let n = match self.socket.recv(src) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return,
            };
            let mut datagram = &src[..n];
            let mut tunn = self.tunn();
            loop {
                match tunn.decapsulate(Some(self.peer), datagram, dst) {
                    TunnResult::WriteToNetwork(p) => {
                        let _ = self.socket.send(p);
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
