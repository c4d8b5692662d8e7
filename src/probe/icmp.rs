//! ICMP echo without privileges, through Linux ping sockets (`SOCK_DGRAM` with
//! `IPPROTO_ICMP`/`IPPROTO_ICMPV6`), allowed for the groups in `net.ipv4.ping_group_range`.
//! Where the system does not allow them, the result says so and why instead of failing.

use serde::Serialize;
#[cfg(feature = "probe")]
use socket2::{Domain, Protocol, Socket, Type};
#[cfg(feature = "probe")]
use std::collections::HashMap;
use std::net::IpAddr;
#[cfg(feature = "probe")]
use std::net::SocketAddr;
#[cfg(feature = "probe")]
use std::time::Duration;
#[cfg(feature = "probe")]
use tokio::net::UdpSocket;
#[cfg(feature = "probe")]
use tokio::time::{timeout_at, Instant};

use super::stats::Summary;
use super::tcp::Family;
use super::Status;

/// The result of pinging one address.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct IcmpResult {
    pub addr: IpAddr,
    pub family: Family,
    /// `ok`, or `skipped` when the system does not allow unprivileged ICMP (see `note`).
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Echo requests the run's deadline prevented.
    pub not_sent: u32,
    #[serde(flatten)]
    pub summary: Summary,
}

#[cfg(feature = "probe")]
const PAYLOAD: &[u8; 16] = b"bindcheck-probe!";

#[cfg(feature = "probe")]
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(feature = "probe")]
/// An echo request with `seq`; the kernel sets the identifier of a ping socket.
fn echo_request(v6: bool, seq: u16) -> Vec<u8> {
    let mut packet = vec![if v6 { 128 } else { 8 }, 0, 0, 0, 0, 0];
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(PAYLOAD);
    if !v6 {
        // ICMPv6 checksums are the kernel's (they cover a pseudo-header).
        let sum = checksum(&packet);
        packet[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    packet
}

#[cfg(feature = "probe")]
fn unavailable(addr: IpAddr, note: String) -> IcmpResult {
    IcmpResult {
        addr,
        family: Family::of(addr),
        status: Status::Skipped,
        note: Some(note),
        not_sent: 0,
        summary: Summary::of(&[]),
    }
}

#[cfg(feature = "probe")]
fn open(addr: IpAddr) -> Result<UdpSocket, String> {
    let (domain, protocol) = match addr {
        IpAddr::V4(_) => (Domain::IPV4, Protocol::ICMPV4),
        IpAddr::V6(_) => (Domain::IPV6, Protocol::ICMPV6),
    };
    let socket = Socket::new(domain, Type::DGRAM, Some(protocol)).map_err(|e| {
        let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").unwrap_or_default();
        format!(
            "unprivileged ICMP echo is not allowed here ({e}); net.ipv4.ping_group_range is `{}`",
            range.split_whitespace().collect::<Vec<_>>().join(" ")
        )
    })?;
    socket.set_nonblocking(true).map_err(|e| e.to_string())?;
    socket
        .connect(&SocketAddr::new(addr, 0).into())
        .map_err(|e| e.to_string())?;
    UdpSocket::from_std(std::net::UdpSocket::from(socket)).map_err(|e| e.to_string())
}

#[cfg(feature = "probe")]
/// Sends `count` echo requests to `addr`, one every `interval`, and waits for the replies up to
/// `timeout` after the last one (and never past `deadline`).
pub async fn ping(addr: IpAddr, count: u32, interval: Duration, timeout: Duration, deadline: Instant) -> IcmpResult {
    let socket = match open(addr) {
        Ok(s) => s,
        Err(note) => return unavailable(addr, note),
    };
    let v6 = addr.is_ipv6();
    let start = Instant::now();
    let mut sent_at: HashMap<u16, Instant> = HashMap::new();
    let mut rtts: HashMap<u16, f64> = HashMap::new();
    let mut not_sent = 0;
    let mut buf = [0u8; 1500];
    let mut next_send = 0u32;
    let last_reply_by = |last_send: Instant| deadline.min(super::later(last_send, timeout));
    loop {
        let now = Instant::now();
        let send_at = super::later(start, interval.saturating_mul(next_send));
        if next_send < count && send_at >= deadline {
            not_sent = count - next_send;
            next_send = count;
        }
        if next_send < count && now >= send_at {
            let seq = next_send as u16;
            if socket.send(&echo_request(v6, seq)).await.is_ok() {
                sent_at.insert(seq, Instant::now());
            }
            next_send += 1;
            continue;
        }
        let wait_until = if next_send < count {
            send_at
        } else {
            let last = sent_at.values().max().copied().unwrap_or(now);
            if rtts.len() == sent_at.len() || now >= last_reply_by(last) {
                break;
            }
            last_reply_by(last)
        };
        match timeout_at(wait_until, socket.recv(&mut buf)).await {
            Ok(Ok(n)) if n >= 8 => {
                let reply_type = if v6 { 129 } else { 0 };
                if buf[0] == reply_type {
                    let seq = u16::from_be_bytes([buf[6], buf[7]]);
                    if let Some(t) = sent_at.get(&seq) {
                        rtts.entry(seq).or_insert_with(|| super::ms_since(*t));
                    }
                }
            }
            // Errors (an ICMP unreachable for an earlier request) and timeouts: go round again.
            _ => {}
        }
    }
    let mut seqs: Vec<u16> = sent_at.keys().copied().collect();
    seqs.sort_unstable();
    let samples: Vec<Option<f64>> = seqs.iter().map(|s| rtts.get(s).copied()).collect();
    IcmpResult {
        addr,
        family: Family::of(addr),
        status: Status::Ok,
        note: None,
        not_sent,
        summary: Summary::of(&samples),
    }
}

#[cfg(all(test, feature = "probe"))]
mod tests {
    use super::*;

    #[test]
    fn echo_requests_carry_a_valid_checksum() {
        let p = echo_request(false, 7);
        assert_eq!(p[0], 8);
        assert_eq!(u16::from_be_bytes([p[6], p[7]]), 7);
        assert_eq!(checksum(&p), 0, "a packet with its checksum sums to zero");
        assert_eq!(echo_request(true, 1)[0], 128);
    }
}
