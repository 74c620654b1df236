//! Inter-Region peering with real packets: each Region's fabric is separate and a peering
//! between Regions crosses an encrypted tunnel (userspace WireGuard over TUN). A capture
//! (tcpdump) on the backbone link between the two Regions, taken while TCP, UDP, ICMP and
//! IPv6 cross the peering, holds only WireGuard messages over UDP between the backbone's
//! own addresses, and none of the plaintext the programs exchanged.

mod kit;

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};

use kit::{first, probe_icmp, probe_tcp, probe_udp, serve, Api, Plane};
use openvpc_dataplane::names::{link, Kind};
use openvpc_reach::{decide, Endpoint, Flow, Protocol, View};

struct Side {
    vpc: String,
    v6: String,
    rtb: String,
    eni: String,
}

/// A VPC with an IPv6 block, one subnet, a group open to the peer, one interface.
fn side(api: &mut Api, cidr: &str, subnet: &str, ip: &str) -> Side {
    let vpc = first(
        &api.call(&[
            ("Action", "CreateVpc"),
            ("CidrBlock", cidr),
            ("AmazonProvidedIpv6CidrBlock", "true"),
        ]),
        "vpcId",
    );
    let v6 = first(
        &api.call(&[("Action", "DescribeVpcs"), ("VpcId.1", &vpc)]),
        "ipv6CidrBlock",
    );
    let subnet = first(
        &api.call(&[
            ("Action", "CreateSubnet"),
            ("VpcId", &vpc),
            ("CidrBlock", subnet),
            ("Ipv6CidrBlock", &v6.replace("00::/56", "00::/64")),
        ]),
        "subnetId",
    );
    let sg = first(
        &api.call(&[
            ("Action", "CreateSecurityGroup"),
            ("VpcId", &vpc),
            ("GroupName", "app"),
            ("GroupDescription", "app"),
        ]),
        "groupId",
    );
    for (proto, from, to) in [
        ("tcp", "7000", "7000"),
        ("udp", "7100", "7100"),
        ("icmp", "-1", "-1"),
    ] {
        api.call(&[
            ("Action", "AuthorizeSecurityGroupIngress"),
            ("GroupId", &sg),
            ("IpPermissions.1.IpProtocol", proto),
            ("IpPermissions.1.FromPort", from),
            ("IpPermissions.1.ToPort", to),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"),
        ]);
    }
    let rtb = api.main_route_table(&vpc);
    let eni = first(
        &api.call(&[
            ("Action", "CreateNetworkInterface"),
            ("SubnetId", &subnet),
            ("PrivateIpAddress", ip),
            ("SecurityGroupId.1", &sg),
            ("Ipv6AddressCount", "1"),
        ]),
        "networkInterfaceId",
    );
    Side { vpc, v6, rtb, eni }
}

fn routes(api: &mut Api, from: &Side, to_cidr: &str, to: &Side, pcx: &str) {
    for (key, cidr) in [
        ("DestinationCidrBlock", to_cidr),
        ("DestinationIpv6CidrBlock", to.v6.as_str()),
    ] {
        api.call(&[
            ("Action", "CreateRoute"),
            ("RouteTableId", &from.rtb),
            (key, cidr),
            ("VpcPeeringConnectionId", pcx),
        ]);
    }
}

/// A running `tcpdump` writing what crosses `dev` in namespace `ns` to `file`; dropped
/// (also when the test fails), it stops tcpdump and removes the file.
struct Capture(std::process::Child, std::path::PathBuf);

impl Capture {
    fn start(ns: &str, dev: &str, file: &std::path::Path) -> Capture {
        let mut child = Command::new("ip")
            .args([
                "netns",
                "exec",
                ns,
                "tcpdump",
                "-n",
                "-U",
                "--immediate-mode",
                "-i",
                dev,
                "-w",
            ])
            .arg(file)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump (Debian package tcpdump)");
        // It says "listening on …" once the capture runs.
        let mut line = String::new();
        let stderr = child.stderr.take().unwrap();
        BufReader::new(stderr).read_line(&mut line).unwrap();
        assert!(line.contains("listening on"), "tcpdump: {line}");
        Capture(child, file.to_path_buf())
    }

    /// Stops the capture; returns what it wrote.
    fn stop(mut self) -> Vec<u8> {
        let pid = nix::unistd::Pid::from_raw(self.0.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
        self.0.wait().unwrap();
        std::fs::read(&self.1).unwrap()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
        let _ = std::fs::remove_file(&self.1);
    }
}

/// The frames of a pcap file (Ethernet link type).
fn frames(pcap: &[u8]) -> Vec<&[u8]> {
    assert_eq!(
        &pcap[..4],
        &[0xd4, 0xc3, 0xb2, 0xa1],
        "a little-endian pcap"
    );
    let u32_at = |i: usize| u32::from_le_bytes(pcap[i..i + 4].try_into().unwrap()) as usize;
    assert_eq!(u32_at(20), 1, "Ethernet frames");
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= pcap.len() {
        let len = u32_at(at + 8);
        out.push(&pcap[at + 16..at + 16 + len]);
        at += 16 + len;
    }
    out
}

/// The WireGuard message type of a frame that is IPv4/UDP between `a` and `b`, or why
/// it is not one.
fn wireguard_type(frame: &[u8], a: Ipv4Addr, b: Ipv4Addr) -> Result<u8, String> {
    let hex = || frame.iter().map(|x| format!("{x:02x}")).collect::<String>();
    if frame.len() < 14 + 20 + 8 + 4 || frame[12..14] != [0x08, 0x00] {
        return Err(format!("not IPv4: {}", hex()));
    }
    let ip = &frame[14..];
    let header = usize::from(ip[0] & 0x0f) * 4;
    let src = Ipv4Addr::from(<[u8; 4]>::try_from(&ip[12..16]).unwrap());
    let dst = Ipv4Addr::from(<[u8; 4]>::try_from(&ip[16..20]).unwrap());
    if ip[9] != 17 || !((src, dst) == (a, b) || (src, dst) == (b, a)) {
        return Err(format!("not UDP between the backbone's ends: {}", hex()));
    }
    let payload = &ip[header + 8..];
    // type (1 handshake initiation, 2 response, 3 cookie, 4 data), three zero bytes.
    if !(1..=4).contains(&payload[0]) || payload[1..4] != [0, 0, 0] {
        return Err(format!("not a WireGuard message: {}", hex()));
    }
    Ok(payload[0])
}

#[test]
fn inter_region_peering_crosses_an_encrypted_tunnel() {
    if !kit::capable() {
        return;
    }
    let mut api = Api::new(5);
    let a = side(&mut api, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10");
    api.in_region("eu-west-1");
    let b = side(&mut api, "10.1.0.0/16", "10.1.1.0/24", "10.1.1.10");
    api.in_region("us-east-1");
    let pcx = first(
        &api.call(&[
            ("Action", "CreateVpcPeeringConnection"),
            ("VpcId", &a.vpc),
            ("PeerVpcId", &b.vpc),
            ("PeerRegion", "eu-west-1"),
        ]),
        "vpcPeeringConnectionId",
    );
    api.settle();
    api.in_region("eu-west-1");
    api.call(&[
        ("Action", "AcceptVpcPeeringConnection"),
        ("VpcPeeringConnectionId", &pcx),
    ]);
    api.settle();
    routes(&mut api, &b, "10.0.0.0/16", &a, &pcx);
    api.in_region("us-east-1");
    routes(&mut api, &a, "10.1.0.0/16", &b, &pcx);

    let mut plane = Plane::new("r");
    let desired = plane.apply(api.world());
    assert_eq!(desired.tunnels.len(), 1, "one tunnel");
    assert_eq!(plane.applied.tunnels.len(), 1, "the tunnel runs");
    for id in [&a.eni, &b.eni] {
        serve(&plane.ns_of(id), id);
    }
    let (ns_a, ns_b) = (plane.ns_of(&a.eni), plane.ns_of(&b.eni));
    let w = api.world();
    let b_v6 = IpAddr::V6(w.network_interfaces.get(&b.eni).unwrap().ipv6_addresses[0]);
    let a_v6 = IpAddr::V6(w.network_interfaces.get(&a.eni).unwrap().ipv6_addresses[0]);
    let b_v4: IpAddr = "10.1.1.10".parse().unwrap();
    let a_v4: IpAddr = "10.0.1.10".parse().unwrap();

    // The only link between the Regions: the backbone between their namespaces.
    let us = plane.names.namespace(Kind::Region, "us-east-1");
    let backbone = link('b', "eu-west-1|us-east-1");
    let file = std::env::temp_dir().join(format!("ovpc-backbone-{}.pcap", std::process::id()));
    let capture = Capture::start(&us, &backbone, &file);

    // The engine and the kernel agree, both ways, IPv4 and IPv6, TCP, UDP and ICMP.
    let view = View::compile(api.world());
    for (src, dst) in [
        (&a.eni, b_v4),
        (&b.eni, a_v4),
        (&a.eni, b_v6),
        (&b.eni, a_v6),
    ] {
        let flow = Flow::new(src, Endpoint::Ip(dst), Protocol::TCP, Some(7000));
        assert!(decide(&view, &flow).reachable, "engine: {src} -> {dst}");
    }
    assert_eq!(
        probe_tcp(&ns_a, 42001, b_v4, 7000),
        Some(format!("{} 10.0.1.10", b.eni))
    );
    assert_eq!(
        probe_tcp(&ns_b, 42002, a_v4, 7000),
        Some(format!("{} 10.1.1.10", a.eni))
    );
    assert_eq!(
        probe_tcp(&ns_a, 42003, b_v6, 7000),
        Some(format!("{} {a_v6}", b.eni))
    );
    assert!(probe_udp(&ns_a, 42004, b_v4, 7100).is_some());
    assert!(probe_icmp(&ns_b, a_v4).is_some());
    // Port 7001 is closed by the group: refused across the tunnel as anywhere.
    assert_eq!(probe_tcp(&ns_a, 42005, b_v4, 7001), None);
    let pcap = capture.stop();
    let end = &desired.tunnels[&pcx].ends[0];
    let (lo, hi) = (end.local, end.remote);
    let mut data = 0;
    for f in frames(&pcap) {
        match wireguard_type(f, lo, hi) {
            Ok(4) => data += 1,
            Ok(_) => {}
            Err(e) => panic!("the backbone carried a packet that is not WireGuard: {e}"),
        }
    }
    eprintln!(
        "backbone: {} frames, {data} WireGuard data messages",
        frames(&pcap).len()
    );
    assert!(
        data >= 10,
        "the flows crossed the backbone ({data} data messages)"
    );
    // None of what the programs said is readable on the backbone.
    for plain in [
        a.eni.as_bytes(),
        b.eni.as_bytes(),
        b"10.0.1.10",
        b"10.1.1.10",
    ] {
        assert!(
            !pcap.windows(plain.len()).any(|w| w == plain),
            "plaintext {:?} on the backbone",
            String::from_utf8_lossy(plain)
        );
    }

    // Deleting the peering stops the tunnel and cuts the flows.
    api.call(&[
        ("Action", "DeleteVpcPeeringConnection"),
        ("VpcPeeringConnectionId", &pcx),
    ]);
    plane.apply(api.world());
    assert!(plane.applied.tunnels.is_empty());
    assert_eq!(probe_tcp(&ns_a, 42006, b_v4, 7000), None);
}
