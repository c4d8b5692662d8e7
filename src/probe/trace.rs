//! Path trace without privileges, the way `tracepath` works: UDP probes with increasing TTL
//! (hop limit), and the ICMP "time exceeded" and "port unreachable" answers read from the
//! socket's error queue (`IP_RECVERR` / `IPV6_RECVERR`), Linux only. Then the analysis mtr
//! users are taught: loss that starts at a hop and persists to the destination is real;
//! loss at a single intermediate hop that does not carry on is ICMP rate limiting.

use serde::Serialize;
use std::net::IpAddr;
#[cfg(feature = "probe")]
use std::time::Duration;

use super::stats::Summary;
use super::Status;

/// One hop of the path.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Hop {
    pub ttl: u8,
    /// The address that answered (the router, or the destination).
    pub addr: Option<IpAddr>,
    /// Its reverse name, where one resolved quickly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// This hop is the destination.
    pub destination: bool,
    #[serde(flatten)]
    pub summary: Summary,
}

/// Where on the path loss starts.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossSegment {
    /// No loss that persists to the destination.
    None,
    /// Loss starts at the first hop: the local network (Wi-Fi, the home router).
    Local,
    /// Loss starts at a later hop and persists: the provider's or the wallet's network.
    Beyond,
    /// The connect probes lost traffic, but the hops do not tell whether the loss starts at
    /// the first hop or later: too few of their answers were lost, or kept, to say.
    Unknown,
}

/// What the hops say.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    pub segment: LossSegment,
    /// The first hop of persisting loss.
    pub loss_from_ttl: Option<u8>,
    /// Intermediate hops with loss that does not carry on (ICMP rate limiting).
    pub rate_limited_ttls: Vec<u8>,
    /// The destination answered.
    pub reached: bool,
}

/// Loss at or above this, in percent, counts at a hop.
pub const LOSS_THRESHOLD_PCT: f64 = 5.0;

/// Reads the hops as mtr users are taught: the first hop from which every later hop, the
/// destination included, loses is where real loss starts; lossy hops before it whose loss
/// does not carry on are rate limiting ICMP, not losing traffic. Hops that did not answer at
/// all (`*`) are skipped: many routers never answer.
///
/// A hop "loses" at [`LOSS_THRESHOLD_PCT`] or more, and at least a third of the loss at the
/// destination: with 20 probes a hop, a clean hop now and then misses one answer (5%), and a
/// hop on a path losing 30% rarely shows less than 10%.
pub fn analyze(hops: &[Hop]) -> Analysis {
    let at_destination = hops
        .iter()
        .rev()
        .find(|h| h.summary.received > 0 || h.destination)
        .map_or(0.0, |h| h.summary.loss_pct);
    analyze_from(hops, at_destination)
}

fn analyze_from(hops: &[Hop], end_to_end_pct: f64) -> Analysis {
    let reached = hops.iter().any(|h| h.destination && h.summary.received > 0);
    let answering: Vec<&Hop> = hops
        .iter()
        .filter(|h| h.summary.received > 0 || h.destination)
        .collect();
    let floor = LOSS_THRESHOLD_PCT.max(end_to_end_pct / 3.0);
    let lossy = |h: &Hop| h.summary.sent > 0 && h.summary.loss_pct >= floor;
    let mut loss_from = None;
    if reached && answering.last().is_some_and(|h| lossy(h)) {
        // Walk back from the destination while the loss persists.
        let mut start = answering.len() - 1;
        while start > 0 && lossy(answering[start - 1]) {
            start -= 1;
        }
        loss_from = Some(answering[start].ttl);
    }
    let rate_limited_ttls = answering
        .iter()
        .filter(|h| !h.destination && lossy(h) && loss_from.is_none_or(|from| h.ttl < from))
        .map(|h| h.ttl)
        .collect();
    let segment = match loss_from {
        None => LossSegment::None,
        Some(1) => LossSegment::Local,
        Some(_) => LossSegment::Beyond,
    };
    Analysis {
        segment,
        loss_from_ttl: loss_from,
        rate_limited_ttls,
        reached,
    }
}

/// How sure a reading must be: "this hop loses like the whole path" must be at least 10 times
/// likelier than "this hop is clean" to read lossy, and the other way round to read clean.
const ODDS: f64 = 10.0;

/// The share of answers a clean hop still misses now and then (a router busy for a moment).
const CLEAN_MISS: f64 = 0.01;

/// What one hop's answers say, beside the end-to-end loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    /// Loses about as the whole path does.
    Lossy,
    /// Answers about every probe.
    Clean,
    /// Too few probes to tell the two apart.
    Unsure,
}

/// The lower end of the 95% Wilson interval of a loss of `lost` in `sent`: the least loss the
/// connect probes make likely. A hop is weighed against it, so that a path that drew high
/// does not make a hop's few losses look clean.
fn least_likely_loss(lost: u32, sent: u32) -> f64 {
    const Z: f64 = 1.96;
    let n = f64::from(sent.max(1));
    let p = f64::from(lost.min(sent)) / n;
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let spread = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - spread) / (1.0 + z2 / n)).max(0.0)
}

/// Weighs a hop's answers between two binomial models: it loses like the path (`path_loss`,
/// a fraction) or it is clean. The likelihood ratio over `sent` probes with `lost` lost is
/// (p/ε)^lost · ((1-p)/(1-ε))^(sent-lost); in logs, to stay finite over many probes.
fn read_hop(h: &Hop, path_loss: f64) -> Reading {
    let p = path_loss.clamp(0.02, 0.98);
    let lost = f64::from(lost_of(&h.summary));
    let kept = f64::from(h.summary.received);
    let log_ratio = lost * (p / CLEAN_MISS).ln() + kept * ((1.0 - p) / (1.0 - CLEAN_MISS)).ln();
    if log_ratio >= ODDS.ln() {
        Reading::Lossy
    } else if log_ratio <= -ODDS.ln() {
        Reading::Clean
    } else {
        Reading::Unsure
    }
}

/// Like [`analyze`], with the end-to-end loss measured another way: `end_to_end` is the
/// endpoint's TCP connect probes, which no ICMP rate limit touches. Without end-to-end loss,
/// no hop's loss is taken for real loss: it is rate limiting.
///
/// With end-to-end loss, the loss is real and reaches the destination; the hops only say
/// where it starts. Each hop is weighed between "loses like the path" and "clean" (see
/// `read_hop`), and the walk goes back from the destination over hops that are not clearly
/// clean. A clearly clean hop before the destination puts the start after it (`beyond`);
/// a walk that reaches the first hop, which clearly loses, with every hop on the way clearly
/// losing, is `local`. Anything else cannot be told apart from a few lucky draws, and is
/// `unknown`: the report then names the loss without a place rather than guess one.
pub fn analyze_with(hops: &[Hop], end_to_end: &Summary) -> Analysis {
    let end_to_end_loss_pct = end_to_end.loss_pct;
    let mut a = analyze_from(hops, end_to_end_loss_pct);
    if end_to_end.sent == 0 || end_to_end_loss_pct < LOSS_THRESHOLD_PCT {
        if a.segment != LossSegment::None {
            // The lossy hops are not losing the traffic that matters.
            let from = a.loss_from_ttl.take();
            a.segment = LossSegment::None;
            a.rate_limited_ttls.extend(
                hops.iter()
                    .filter(|h| !h.destination && Some(h.ttl) >= from && h.summary.loss_pct >= LOSS_THRESHOLD_PCT)
                    .map(|h| h.ttl),
            );
            a.rate_limited_ttls.sort_unstable();
            a.rate_limited_ttls.dedup();
        }
        return a;
    }
    if !a.reached {
        return a;
    }
    // The destination's own trace probes crossed the same path as the connects: pooled, they
    // say more about the path's loss.
    let (lost, sent) = hops
        .iter()
        .filter(|h| h.destination)
        .fold((lost_of(end_to_end), end_to_end.sent), |(l, n), h| {
            (l + lost_of(&h.summary), n + h.summary.sent)
        });
    let path_loss = least_likely_loss(lost, sent);
    // Routers before the destination that answered; the destination loses, as the connect
    // probes to it showed.
    let destination = destination_ttl(hops);
    let routers: Vec<&Hop> = hops
        .iter()
        .filter(|h| !h.destination && h.summary.received > 0 && h.ttl < destination)
        .collect();
    let readings: Vec<Reading> = routers.iter().map(|h| read_hop(h, path_loss)).collect();
    let last_clean = readings.iter().rposition(|r| *r == Reading::Clean);
    let start = last_clean.map_or(0, |i| i + 1);
    let (segment, from) = match last_clean {
        Some(i) => (LossSegment::Beyond, routers.get(i + 1).map_or(destination, |h| h.ttl)),
        // On the same link as the destination, or the first router clearly losing and none
        // after it clearly clean.
        None if destination == 1 || (routers.first().is_some_and(|h| h.ttl == 1) && readings[0] == Reading::Lossy) => {
            (LossSegment::Local, 1)
        }
        None => (LossSegment::Unknown, 0),
    };
    a.segment = segment;
    a.loss_from_ttl = (segment != LossSegment::Unknown).then_some(from);
    // Hops before a clean one that lost answers: their loss does not carry on.
    a.rate_limited_ttls = routers[..start]
        .iter()
        .zip(&readings)
        .filter(|(_, r)| **r != Reading::Clean)
        .map(|(h, _)| h.ttl)
        .collect();
    a
}

fn lost_of(s: &Summary) -> u32 {
    s.sent.saturating_sub(s.received)
}

/// The destination's hop number (the hop count past the last router when it never answered).
fn destination_ttl(hops: &[Hop]) -> u8 {
    hops.iter()
        .find(|h| h.destination)
        .or_else(|| hops.last())
        .map_or(1, |h| h.ttl)
}

/// A trace of the path to one address.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct TraceResult {
    pub target: IpAddr,
    /// `ok`, or `skipped` with `note` where tracing is not possible on this machine.
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub hops: Vec<Hop>,
    pub analysis: Analysis,
}

/// What the probes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Protocol {
    /// UDP datagrams to high ports, as `tracepath` sends; the destination answers "port
    /// unreachable".
    #[default]
    Udp,
    /// TCP connects to this port, the path the app's own traffic takes (and one that crosses
    /// firewalls that drop UDP); the destination answers with SYN-ACK or RST.
    Tcp(u16),
}

#[cfg(feature = "probe")]
/// Limits and pacing of a trace.
///
/// Routers answer probes with ICMP errors, and Linux, like most router software, limits
/// those per destination: about one a second after a burst of six (`net.ipv4.icmp_ratelimit`
/// = 1000 ms with the token bucket's burst factor of 6; the same for ICMPv6), and the
/// destination's "port unreachable" is limited the same way. A trace that asks faster reads
/// the limit as loss. So each round sends one probe per hop, all hops at once, rounds
/// `interval` apart (one a second by default); and once the destination has answered, no
/// probe goes beyond it, so the destination too is asked once a round. The first round asks
/// every hop up to `max_hops`; the burst allowance covers the probes it sends past the
/// destination, and the second round comes a second later, when the limit allows an answer
/// again.
#[derive(Clone, Copy, Debug)]
pub struct TraceConfig {
    pub max_hops: u8,
    /// Probes per hop.
    pub count: u32,
    /// The pause between two rounds.
    pub interval: Duration,
    /// How long to wait for the last answers.
    pub timeout: Duration,
    pub protocol: Protocol,
}

#[cfg(feature = "probe")]
impl TraceConfig {
    /// When round `round` (0-based) goes out, from the start of the trace.
    pub fn round_at(&self, round: u32) -> Duration {
        self.interval.saturating_mul(round)
    }

    /// How long a whole trace takes at most: every round, then the wait for the last answers.
    pub fn duration(&self) -> Duration {
        self.round_at(self.count.saturating_sub(1)) + self.timeout
    }
}

#[cfg(feature = "probe")]
impl Default for TraceConfig {
    /// 20 probes per hop in at most 21 s.
    fn default() -> Self {
        TraceConfig {
            max_hops: 30,
            count: 20,
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
            protocol: Protocol::Udp,
        }
    }
}

#[cfg(feature = "probe")]
fn skipped(target: IpAddr, note: String) -> TraceResult {
    TraceResult {
        target,
        status: Status::Skipped,
        note: Some(note),
        hops: Vec::new(),
        analysis: analyze(&[]),
    }
}

#[cfg(feature = "probe")]
#[cfg(target_os = "linux")]
mod linux {
    use super::*;
    use nix::sys::socket::{recvmsg, setsockopt, sockopt, ControlMessageOwned, MsgFlags, SockaddrStorage};
    use std::collections::HashMap;
    use std::io::IoSliceMut;
    use std::net::{SocketAddr, UdpSocket};
    use std::os::fd::AsRawFd;
    use tokio::io::unix::AsyncFd;
    use tokio::io::Interest;
    use tokio::time::{timeout_at, Instant};

    /// How long a TCP probe waits for its answer: less than TCP's first retransmission of
    /// the SYN (after 1 s), so that each probe is one SYN. A probe dropped on the way would
    /// otherwise be sent again and answered, and the loss would not show. The socket closes
    /// when the wait ends, and with it the connect.
    const TCP_PROBE_WAIT: Duration = Duration::from_millis(950);

    /// The first traceroute port; each UDP probe goes to its own port above it.
    const BASE_PORT: u16 = 33434;
    const ICMP_TIME_EXCEEDED: u8 = 11;
    const ICMP6_TIME_EXCEEDED: u8 = 3;

    /// An answer to a probe: who answered, whether that is the destination, and when.
    struct Answer {
        from: Option<IpAddr>,
        destination: bool,
        at: Instant,
    }

    /// An ICMP error read from a socket's error queue: who sent it, whether it is "time
    /// exceeded" (a router on the way) rather than an unreachable report, and the start of
    /// the probe it quotes.
    struct Queued {
        from: Option<IpAddr>,
        time_exceeded: bool,
        payload: [u8; 4],
        len: usize,
    }

    fn read_error_queue(fd: i32, v6: bool) -> Option<Queued> {
        let mut payload = [0u8; 64];
        let mut iov = [IoSliceMut::new(&mut payload)];
        let mut cmsg = nix::cmsg_space!(libc::sock_extended_err, libc::sockaddr_in6);
        let msg = recvmsg::<SockaddrStorage>(fd, &mut iov, Some(&mut cmsg), MsgFlags::MSG_ERRQUEUE).ok()?;
        let len = msg.bytes;
        let mut found = None;
        for c in msg.cmsgs().ok()? {
            let (err, from) = match c {
                ControlMessageOwned::Ipv4RecvErr(err, addr) => (
                    err,
                    addr.map(|a| IpAddr::V4(std::net::Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)))),
                ),
                ControlMessageOwned::Ipv6RecvErr(err, addr) => (
                    err,
                    addr.map(|a| IpAddr::V6(std::net::Ipv6Addr::from(a.sin6_addr.s6_addr))),
                ),
                _ => continue,
            };
            let time_exceeded = if v6 { ICMP6_TIME_EXCEEDED } else { ICMP_TIME_EXCEEDED };
            let icmp = err.ee_origin == libc::SO_EE_ORIGIN_ICMP || err.ee_origin == libc::SO_EE_ORIGIN_ICMP6;
            if icmp {
                found = Some((from, err.ee_type == time_exceeded));
            }
        }
        let (from, time_exceeded) = found?;
        Some(Queued {
            from,
            time_exceeded,
            payload: [payload[0], payload[1], payload[2], payload[3]],
            len,
        })
    }

    /// The rounds of a trace: when each goes out, and how far: one probe per hop up to the
    /// destination once it has answered, all hops before that.
    struct Rounds {
        start: Instant,
        config: TraceConfig,
        sent: u32,
        dest_ttl: Option<u8>,
    }

    impl Rounds {
        fn new(config: TraceConfig) -> Rounds {
            Rounds {
                start: Instant::now(),
                config,
                sent: 0,
                dest_ttl: None,
            }
        }

        /// When the next round is due, if any is left.
        fn next_at(&self) -> Option<Instant> {
            (self.sent < self.config.count).then(|| crate::probe::later(self.start, self.config.round_at(self.sent)))
        }

        /// The TTLs of the round due now, if one is (and counts it as sent).
        fn due(&mut self, now: Instant, deadline: Instant) -> Option<std::ops::RangeInclusive<u8>> {
            let at = self.next_at()?;
            if now < at || now >= deadline {
                return None;
            }
            self.sent += 1;
            Some(1..=self.dest_ttl.unwrap_or(self.config.max_hops.max(1)))
        }

        fn answered(&mut self, ttl: u8, destination: bool) {
            if destination {
                self.dest_ttl = Some(self.dest_ttl.map_or(ttl, |d| d.min(ttl)));
            }
        }

        /// When the wait for the last answers ends.
        fn last_wait(&self, last_send: Instant, deadline: Instant) -> Instant {
            deadline.min(crate::probe::later(last_send, self.config.timeout))
        }
    }

    pub async fn trace(target: IpAddr, config: TraceConfig, deadline: Instant) -> TraceResult {
        match config.protocol {
            Protocol::Udp => trace_udp(target, config, deadline).await,
            Protocol::Tcp(port) => trace_tcp(target, port, config, deadline).await,
        }
    }

    /// Why a UDP trace cannot start here; the text is the skipped trace's note.
    #[derive(Debug, thiserror::Error)]
    enum UdpSetupError {
        #[error("cannot open a UDP socket: {0}")]
        Bind(std::io::Error),
        #[error("this system does not report ICMP errors to UDP sockets ({0})")]
        RecvErr(std::io::Error),
        #[error("cannot watch the socket: {0}")]
        Watch(std::io::Error),
    }

    /// A UDP socket for probes to `target`, reporting ICMP errors to its error queue.
    fn open_udp(target: IpAddr) -> Result<AsyncFd<UdpSocket>, UdpSetupError> {
        let bind: SocketAddr = if target.is_ipv6() {
            "[::]:0".parse()
        } else {
            "0.0.0.0:0".parse()
        }
        .expect("address");
        let socket = UdpSocket::bind(bind).map_err(UdpSetupError::Bind)?;
        let recverr = if target.is_ipv6() {
            setsockopt(&socket, sockopt::Ipv6RecvErr, &true)
        } else {
            setsockopt(&socket, sockopt::Ipv4RecvErr, &true)
        };
        recverr
            .map_err(std::io::Error::from)
            .and_then(|()| socket.set_nonblocking(true))
            .map_err(UdpSetupError::RecvErr)?;
        // Deprecated because a borrowed fd could be closed while registered; here the AsyncFd
        // owns the socket, so that cannot happen (the replacement is `unsafe`, which this
        // crate forbids).
        #[allow(deprecated)]
        let registered = AsyncFd::with_interest(socket, Interest::ERROR);
        registered.map_err(UdpSetupError::Watch)
    }

    async fn trace_udp(target: IpAddr, config: TraceConfig, deadline: Instant) -> TraceResult {
        let fd = match open_udp(target) {
            Ok(fd) => fd,
            Err(why) => return skipped(target, why.to_string()),
        };
        let v6 = target.is_ipv6();
        let mut sent: HashMap<u32, (u8, Instant)> = HashMap::new();
        let mut answers: Vec<(u32, Answer)> = Vec::new();
        let mut rounds = Rounds::new(config);
        let mut seq: u32 = 0;
        loop {
            let now = Instant::now();
            if let Some(ttls) = rounds.due(now, deadline) {
                for ttl in ttls {
                    seq += 1;
                    if send_udp(&fd, v6, target, ttl, seq) {
                        sent.insert(seq, (ttl, Instant::now()));
                    }
                }
                continue;
            }
            let last_send = sent.values().map(|(_, t)| *t).max().unwrap_or(now);
            let wait_until = match rounds.next_at().filter(|_| now < deadline) {
                Some(at) => at.min(deadline),
                None => {
                    let until = rounds.last_wait(last_send, deadline);
                    if answers.len() >= sent.len() || now >= until {
                        break;
                    }
                    until
                }
            };
            // A timeout or an error from the readiness wait: go round again.
            if let Ok(Ok(mut guard)) = timeout_at(wait_until, fd.ready(Interest::ERROR)).await {
                if !drain_udp(fd.get_ref().as_raw_fd(), v6, &sent, &mut rounds, &mut answers) {
                    guard.clear_ready();
                }
            }
        }
        assemble(target, config.max_hops.max(1), &sent, answers)
    }

    /// Reads every answer waiting in the UDP socket's error queue; whether there was any.
    fn drain_udp(
        raw: i32,
        v6: bool,
        sent: &HashMap<u32, (u8, Instant)>,
        rounds: &mut Rounds,
        answers: &mut Vec<(u32, Answer)>,
    ) -> bool {
        let mut got = false;
        while let Some(q) = read_error_queue(raw, v6) {
            got = true;
            if q.len < 4 {
                continue;
            }
            let seq = u32::from_be_bytes(q.payload);
            if let Some((ttl, _)) = sent.get(&seq) {
                let destination = !q.time_exceeded;
                rounds.answered(*ttl, destination);
                answers.push((
                    seq,
                    Answer {
                        from: q.from,
                        destination,
                        at: Instant::now(),
                    },
                ));
            }
        }
        got
    }

    /// Sends the UDP probe `seq` with `ttl`; whether it counts as sent.
    fn send_udp(fd: &AsyncFd<UdpSocket>, v6: bool, target: IpAddr, ttl: u8, seq: u32) -> bool {
        let ttl_set = if v6 {
            setsockopt(fd.get_ref(), sockopt::Ipv6Ttl, &i32::from(ttl)).map_err(std::io::Error::from)
        } else {
            fd.get_ref().set_ttl(u32::from(ttl))
        };
        if ttl_set.is_err() {
            return false;
        }
        let port = BASE_PORT.wrapping_add((seq % 1000) as u16);
        let to = SocketAddr::new(target, port);
        // A send can fail with an earlier probe's ICMP error still pending on the socket (the
        // error queue reports it once more): send again. A probe a local filter drops (EPERM)
        // still counts as sent, and lost.
        let first = fd.get_ref().send_to(&seq.to_be_bytes(), to);
        if first.is_err_and(|e| e.kind() != std::io::ErrorKind::PermissionDenied) {
            let _ = fd.get_ref().send_to(&seq.to_be_bytes(), to);
        }
        true
    }

    /// Opens a TCP socket with `ttl` and starts connecting it to `to`, reporting ICMP errors
    /// to its error queue.
    fn open_tcp(to: SocketAddr, ttl: u8) -> std::io::Result<socket2::Socket> {
        use socket2::{Domain, Protocol as SockProtocol, Socket, Type};
        let socket = Socket::new(Domain::for_address(to), Type::STREAM, Some(SockProtocol::TCP))?;
        socket.set_nonblocking(true)?;
        if to.is_ipv6() {
            socket.set_unicast_hops_v6(u32::from(ttl))?;
            setsockopt(&socket, sockopt::Ipv6RecvErr, &true)?;
        } else {
            socket.set_ttl_v4(u32::from(ttl))?;
            setsockopt(&socket, sockopt::Ipv4RecvErr, &true)?;
        }
        match socket.connect(&to.into()) {
            Ok(()) => Ok(socket),
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(socket),
            Err(e) => Err(e),
        }
    }

    /// Waits for one TCP probe's answer until `until`: a router's "time exceeded" (or
    /// another ICMP error) from the error queue, or the destination's SYN-ACK or RST.
    async fn wait_tcp(socket: socket2::Socket, seq: u32, target: IpAddr, until: Instant) -> Option<(u32, Answer)> {
        let v6 = target.is_ipv6();
        // See trace_udp: the AsyncFd owns the socket.
        #[allow(deprecated)]
        let fd = AsyncFd::with_interest(socket, Interest::WRITABLE | Interest::ERROR).ok()?;
        loop {
            let mut guard = timeout_at(until, fd.ready(Interest::WRITABLE | Interest::ERROR))
                .await
                .ok()?
                .ok()?;
            let at = Instant::now();
            if let Some(q) = read_error_queue(fd.get_ref().as_raw_fd(), v6) {
                let destination = q.from == Some(target);
                return Some((
                    seq,
                    Answer {
                        from: q.from,
                        destination,
                        at,
                    },
                ));
            }
            let reached = Some((
                seq,
                Answer {
                    from: Some(target),
                    destination: true,
                    at,
                },
            ));
            match fd.get_ref().take_error() {
                Ok(Some(e)) if e.raw_os_error() == Some(libc::ECONNREFUSED) => return reached,
                Ok(Some(_)) | Err(_) => return None,
                Ok(None) if fd.get_ref().peer_addr().is_ok() => return reached,
                Ok(None) => guard.clear_ready(),
            }
        }
    }

    async fn trace_tcp(target: IpAddr, port: u16, config: TraceConfig, deadline: Instant) -> TraceResult {
        use futures_util::stream::{FuturesUnordered, StreamExt};
        let to = SocketAddr::new(target, port);
        let mut sent: HashMap<u32, (u8, Instant)> = HashMap::new();
        let mut answers: Vec<(u32, Answer)> = Vec::new();
        let mut rounds = Rounds::new(config);
        let mut inflight = FuturesUnordered::new();
        let mut refused: Option<std::io::Error> = None;
        let mut seq: u32 = 0;
        loop {
            let now = Instant::now();
            if let Some(ttls) = rounds.due(now, deadline) {
                for ttl in ttls {
                    seq += 1;
                    match open_tcp(to, ttl) {
                        Ok(socket) => {
                            sent.insert(seq, (ttl, now));
                            let until = deadline.min(crate::probe::later(now, TCP_PROBE_WAIT.min(config.timeout)));
                            inflight.push(wait_tcp(socket, seq, target, until));
                        }
                        Err(e) => refused = refused.or(Some(e)),
                    }
                }
                continue;
            }
            let next = rounds.next_at().filter(|_| now < deadline);
            if next.is_none() && inflight.is_empty() {
                break;
            }
            tokio::select! {
                Some(answer) = inflight.next() => {
                    if let Some((seq, a)) = answer {
                        if let Some((ttl, _)) = sent.get(&seq) {
                            rounds.answered(*ttl, a.destination);
                        }
                        answers.push((seq, a));
                    }
                }
                () = tokio::time::sleep_until(next.unwrap_or(deadline).min(deadline)), if next.is_some() => {}
            }
        }
        if sent.is_empty() {
            let why = refused.map_or_else(|| "no probe could be sent".to_owned(), |e| e.to_string());
            return skipped(target, format!("cannot open TCP probes: {why}"));
        }
        assemble(target, config.max_hops.max(1), &sent, answers)
    }

    fn assemble(
        target: IpAddr,
        max_hops: u8,
        sent: &HashMap<u32, (u8, Instant)>,
        answers: Vec<(u32, Answer)>,
    ) -> TraceResult {
        // The destination's TTL: the smallest TTL it answered from.
        let dest_ttl = answers
            .iter()
            .filter(|(_, a)| a.destination)
            .filter_map(|(seq, _)| sent.get(seq).map(|(ttl, _)| *ttl))
            .min();
        let last = dest_ttl.unwrap_or(max_hops);
        let mut rtts: HashMap<u32, (f64, Option<IpAddr>)> = HashMap::new();
        for (seq, a) in &answers {
            if let Some((_, at)) = sent.get(seq) {
                let ms = (a.at.duration_since(*at).as_secs_f64() * 1e6).round() / 1000.0;
                rtts.entry(*seq).or_insert((ms, a.from));
            }
        }
        let mut hops = Vec::new();
        for ttl in 1..=last {
            let mut seqs: Vec<u32> = sent.iter().filter(|(_, (t, _))| *t == ttl).map(|(s, _)| *s).collect();
            seqs.sort_unstable();
            let samples: Vec<Option<f64>> = seqs.iter().map(|s| rtts.get(s).map(|(ms, _)| *ms)).collect();
            let addr = seqs.iter().find_map(|s| rtts.get(s).and_then(|(_, from)| *from));
            hops.push(Hop {
                ttl,
                addr,
                name: None,
                destination: Some(ttl) == dest_ttl,
                summary: Summary::of(&samples),
            });
        }
        let analysis = analyze(&hops);
        TraceResult {
            target,
            status: Status::Ok,
            note: None,
            hops,
            analysis,
        }
    }
}

#[cfg(feature = "probe")]
/// Traces the path to `target` (Linux; elsewhere the result says tracing is not possible).
pub async fn trace(target: IpAddr, config: TraceConfig, deadline: tokio::time::Instant) -> TraceResult {
    #[cfg(target_os = "linux")]
    {
        linux::trace(target, config, deadline).await
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (config, deadline);
        skipped(target, "path tracing needs Linux's IP_RECVERR error queue".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hops from a recorded trace: (loss %, answered at all, destination).
    fn hops(spec: &[(f64, bool, bool)]) -> Vec<Hop> {
        spec.iter()
            .enumerate()
            .map(|(i, &(loss, answered, destination))| {
                let lost = (loss / 10.0).round() as usize;
                let samples: Vec<Option<f64>> = (0..10)
                    .map(|k| {
                        if !answered || k < lost {
                            None
                        } else {
                            Some(1.0 + i as f64)
                        }
                    })
                    .collect();
                Hop {
                    ttl: i as u8 + 1,
                    addr: answered.then(|| IpAddr::from([10, 0, i as u8, 1])),
                    name: None,
                    destination,
                    summary: Summary::of(&samples),
                }
            })
            .collect()
    }

    #[test]
    fn a_clean_path() {
        let a = analyze(&hops(&[(0.0, true, false), (0.0, true, false), (0.0, true, true)]));
        assert_eq!(a.segment, LossSegment::None);
        assert!(a.reached);
        assert!(a.rate_limited_ttls.is_empty());
    }

    #[test]
    fn loss_from_the_first_hop_is_the_local_network() {
        let a = analyze(&hops(&[(30.0, true, false), (30.0, true, false), (40.0, true, true)]));
        assert_eq!((a.segment, a.loss_from_ttl), (LossSegment::Local, Some(1)));
    }

    #[test]
    fn loss_that_starts_later_and_persists_is_beyond() {
        let a = analyze(&hops(&[
            (0.0, true, false),
            (0.0, true, false),
            (20.0, true, false),
            (20.0, true, true),
        ]));
        assert_eq!((a.segment, a.loss_from_ttl), (LossSegment::Beyond, Some(3)));
    }

    #[test]
    fn loss_at_one_hop_that_does_not_carry_on_is_rate_limiting() {
        let a = analyze(&hops(&[
            (0.0, true, false),
            (60.0, true, false),
            (0.0, true, false),
            (0.0, true, true),
        ]));
        assert_eq!(a.segment, LossSegment::None);
        assert_eq!(a.rate_limited_ttls, [2]);
        // Rate limiting before persisting loss is still rate limiting.
        let a = analyze(&hops(&[
            (50.0, true, false),
            (0.0, true, false),
            (30.0, true, false),
            (30.0, true, true),
        ]));
        assert_eq!((a.segment, a.loss_from_ttl), (LossSegment::Beyond, Some(3)));
        assert_eq!(a.rate_limited_ttls, [1]);
    }

    #[test]
    fn silent_hops_are_skipped_and_an_unreached_destination_says_so() {
        let a = analyze(&hops(&[
            (0.0, true, false),
            (100.0, false, false),
            (20.0, true, false),
            (20.0, true, true),
        ]));
        assert_eq!((a.segment, a.loss_from_ttl), (LossSegment::Beyond, Some(3)));
        let a = analyze(&hops(&[(0.0, true, false), (100.0, false, false)]));
        assert!(!a.reached);
        assert_eq!(a.segment, LossSegment::None);
    }

    /// Hops with `lost` of `sent` probes lost each; the last one is the destination.
    fn counted(spec: &[(u32, u32)]) -> Vec<Hop> {
        let n = spec.len();
        spec.iter()
            .enumerate()
            .map(|(i, &(lost, sent))| {
                let samples: Vec<Option<f64>> = (0..sent).map(|k| (k >= lost).then_some(1.0 + i as f64)).collect();
                Hop {
                    ttl: i as u8 + 1,
                    addr: Some(IpAddr::from([10, 0, i as u8, 1])),
                    name: None,
                    destination: i + 1 == n,
                    summary: Summary::of(&samples),
                }
            })
            .collect()
    }

    fn end_to_end(lost: u32, sent: u32) -> Summary {
        Summary::of(&(0..sent).map(|k| (k >= lost).then_some(1.0)).collect::<Vec<_>>())
    }

    #[test]
    fn clean_routers_put_the_loss_beyond_them_even_when_the_destination_drew_little() {
        // From CI: 40% of the connects lost, the destination's 20 trace probes lost only 2.
        let a = analyze_with(&counted(&[(0, 20), (0, 20), (2, 20)]), &end_to_end(24, 60));
        assert_eq!((a.segment, a.loss_from_ttl), (LossSegment::Beyond, Some(3)));
        assert!(a.rate_limited_ttls.is_empty());
    }

    #[test]
    fn every_router_losing_from_the_first_is_the_local_network() {
        let a = analyze_with(&counted(&[(8, 20), (7, 20), (9, 20)]), &end_to_end(24, 60));
        assert_eq!((a.segment, a.loss_from_ttl), (LossSegment::Local, Some(1)));
        // The destination on the first hop: the loss is on the local link.
        let a = analyze_with(&counted(&[(1, 20)]), &end_to_end(24, 60));
        assert_eq!(a.segment, LossSegment::Local);
    }

    #[test]
    fn a_first_hop_that_fits_both_readings_is_unknown_not_a_guess() {
        // 2 of 20 lost at hop 1 is as likely from a clean hop as from one losing 36%.
        let a = analyze_with(&counted(&[(2, 20), (8, 20), (8, 20)]), &end_to_end(22, 60));
        assert_eq!((a.segment, a.loss_from_ttl), (LossSegment::Unknown, None));
    }

    #[test]
    fn a_lossy_hop_before_a_clean_one_is_rate_limiting() {
        let a = analyze_with(&counted(&[(10, 20), (0, 20), (7, 20), (8, 20)]), &end_to_end(22, 60));
        assert_eq!((a.segment, a.loss_from_ttl), (LossSegment::Beyond, Some(3)));
        assert_eq!(a.rate_limited_ttls, [1]);
    }

    #[test]
    fn hop_loss_without_end_to_end_loss_is_rate_limiting() {
        let a = analyze_with(&counted(&[(0, 20), (10, 20), (10, 20)]), &end_to_end(0, 60));
        assert_eq!(a.segment, LossSegment::None);
        assert_eq!(a.rate_limited_ttls, [2]);
    }

    /// Draws binomial answers for a path and counts how often the analysis names the wrong
    /// segment (`unknown` is not wrong: it is the honest answer to an unlucky draw).
    fn misplaced(local: bool, loss: f64, trials: u32) -> (u32, u32) {
        use proptest::prelude::Rng;
        use proptest::test_runner::{RngAlgorithm, TestRng};
        let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
        let mut draw = |p: f64, n: u32| {
            (0..n)
                .filter(|_| f64::from(rng.next_u32()) / f64::from(u32::MAX) < p)
                .count() as u32
        };
        let (mut wrong, mut unknown) = (0, 0);
        for _ in 0..trials {
            // Local: lost from the first link on. Beyond: two clean routers, as in the rows.
            let router = if local { loss } else { 0.0 };
            let hops = counted(&[(draw(router, 20), 20), (draw(router, 20), 20), (draw(loss, 20), 20)]);
            let a = analyze_with(&hops, &end_to_end(draw(loss, 60), 60));
            let expected = if local { LossSegment::Local } else { LossSegment::Beyond };
            match a.segment {
                s if s == expected => {}
                LossSegment::Unknown => unknown += 1,
                _ => wrong += 1,
            }
        }
        (wrong, unknown)
    }

    #[test]
    fn lucky_draws_rarely_move_the_loss_and_never_silence_it() {
        // The scenario rows' paths: 40% lost on the first link, or 36% (20% each way) later.
        // Expected about 0.1% wrong and 0.4% unknown: hop 1 draws 2 losses in 20 or fewer.
        let (wrong, unknown) = misplaced(true, 0.40, 10_000);
        assert!(
            wrong <= 20 && unknown <= 80,
            "local: {wrong} wrong, {unknown} unknown in 10,000"
        );
        let (wrong, unknown) = misplaced(false, 0.36, 10_000);
        assert!(
            wrong <= 5 && unknown <= 30,
            "beyond: {wrong} wrong, {unknown} unknown in 10,000"
        );
    }
}
