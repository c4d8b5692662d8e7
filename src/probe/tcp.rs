//! TCP: connect to every resolved address (IPv4 and IPv6 apart), which family a
//! happy-eyeballs client would use, and paced connect probes for loss, latency and jitter.

use serde::Serialize;
#[cfg(feature = "probe")]
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
#[cfg(feature = "probe")]
use {
    std::pin::Pin,
    std::sync::Arc,
    std::task::{Context, Poll},
    tokio::io::{AsyncRead, AsyncWrite, ReadBuf},
    tokio::net::TcpStream,
    tokio::sync::{OwnedSemaphorePermit, Semaphore},
    tokio::time::{sleep_until, timeout_at, Instant},
};

#[cfg(feature = "probe")]
use super::ms_since;
use super::stats::Summary;
use super::Status;

/// RFC 8305's recommended Connection Attempt Delay: how long a happy-eyeballs client waits
/// for IPv6 before it also tries IPv4.
pub const HAPPY_EYEBALLS_DELAY: Duration = Duration::from_millis(250);

/// A connect that took this much longer than the fastest one needed a SYN retransmission
/// (Linux retransmits after about 1 s, then 3 s): the first SYN was lost.
pub const SYN_RETRANSMIT_GAP: Duration = Duration::from_millis(800);

/// An address family.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn of(ip: IpAddr) -> Family {
        match ip {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        }
    }
}

/// One connect attempt.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct ConnectResult {
    pub addr: SocketAddr,
    pub family: Family,
    pub status: Status,
    pub time_ms: Option<f64>,
}

#[cfg(feature = "probe")]
/// Classifies a connect error.
pub fn classify(err: &io::Error) -> Status {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => Status::Refused,
        io::ErrorKind::TimedOut => Status::Timeout,
        io::ErrorKind::ConnectionReset => Status::Reset,
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable | io::ErrorKind::AddrNotAvailable => {
            Status::Unreachable
        }
        _ => Status::Error,
    }
}

#[cfg(feature = "probe")]
/// A cap on the connections probes hold open at once, shared by every prober given a clone
/// (`bindcheck serve` gives all of its scrapes one). A probe waits for room; one the
/// deadline keeps waiting was never started (`not_measured`).
#[derive(Clone, Debug)]
pub struct ConnectionLimit(Arc<Semaphore>);

#[cfg(feature = "probe")]
impl ConnectionLimit {
    /// At most `max` connections at once (at least one).
    pub fn new(max: usize) -> ConnectionLimit {
        ConnectionLimit(Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))))
    }

    /// Connections that could be opened now.
    pub fn available(&self) -> usize {
        self.0.available_permits()
    }

    /// Waits for room until `deadline`; `None` when the deadline came first.
    pub async fn room(&self, deadline: Instant) -> Option<Room> {
        timeout_at(deadline, Arc::clone(&self.0).acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
            .map(|p| Room(Some(p)))
    }
}

#[cfg(feature = "probe")]
impl Room {
    /// Room outside any limit (no [`ConnectionLimit`] in effect).
    pub fn unlimited() -> Room {
        Room(None)
    }

    /// Room under `limit` when there is one, waited for until `deadline`.
    pub async fn under(limit: Option<&ConnectionLimit>, deadline: Instant) -> Option<Room> {
        match limit {
            None => Some(Room::unlimited()),
            Some(l) => l.room(deadline).await,
        }
    }
}

#[cfg(feature = "probe")]
/// A connection's room under a [`ConnectionLimit`], given back when dropped.
#[derive(Debug)]
pub struct Room(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

#[cfg(feature = "probe")]
/// A stream that keeps its room under the connection limit as long as it is open.
pub struct Held<T> {
    io: T,
    _room: Room,
}

#[cfg(feature = "probe")]
impl<T> Held<T> {
    pub fn new(io: T, room: Room) -> Held<T> {
        Held { io, _room: room }
    }
}

#[cfg(feature = "probe")]
impl<T: AsyncRead + Unpin> AsyncRead for Held<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

#[cfg(feature = "probe")]
impl<T: AsyncWrite + Unpin> AsyncWrite for Held<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(feature = "probe")]
/// Connects once, within `timeout` and before `deadline`, after waiting for room under
/// `limit` (the wait counts against the deadline, not the timeout). The stream comes with
/// its room.
pub async fn connect(
    addr: SocketAddr,
    timeout: Duration,
    deadline: Instant,
    limit: Option<&ConnectionLimit>,
) -> (ConnectResult, Option<(TcpStream, Room)>) {
    let room = Room::under(limit, deadline).await;
    let started = Instant::now();
    let Some(room) = room.filter(|_| started < deadline) else {
        let result = ConnectResult {
            addr,
            family: Family::of(addr.ip()),
            status: Status::NotMeasured,
            time_ms: None,
        };
        return (result, None);
    };
    let limit = deadline.min(super::later(started, timeout));
    // Cut by its own limit or by the run's deadline, a connect that started timed out; the
    // time waited is kept.
    let (status, stream) = match timeout_at(limit, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => (Status::Ok, Some(stream)),
        Ok(Err(e)) => (classify(&e), None),
        Err(_) => (Status::Timeout, None),
    };
    let time_ms =
        matches!(status, Status::Ok | Status::Refused | Status::Reset | Status::Timeout).then(|| ms_since(started));
    let result = ConnectResult {
        addr,
        family: Family::of(addr.ip()),
        status,
        time_ms,
    };
    (result, stream.map(|s| (s, room)))
}

/// The family a happy-eyeballs client (RFC 8305) would end up using, given one connect result
/// per address: IPv6 when an IPv6 address connected within the delay of the fastest IPv4 one.
pub fn preferred_family(results: &[ConnectResult]) -> Option<Family> {
    let best = |f: Family| {
        results
            .iter()
            .filter(|r| r.family == f && r.status == Status::Ok)
            .filter_map(|r| r.time_ms)
            .min_by(f64::total_cmp)
    };
    match (best(Family::Ipv6), best(Family::Ipv4)) {
        (Some(v6), Some(v4)) if v6 <= v4 + HAPPY_EYEBALLS_DELAY.as_secs_f64() * 1000.0 => Some(Family::Ipv6),
        (Some(_), Some(_)) | (None, Some(_)) => Some(Family::Ipv4),
        (Some(_), None) => Some(Family::Ipv6),
        (None, None) => None,
    }
}

/// Paced connect probes to one address: loss, latency and jitter of the path.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct LossResult {
    pub addr: SocketAddr,
    pub family: Family,
    /// Probes whose first SYN was lost and that connected only after a retransmission: counted
    /// as lost, kept out of the latency figures.
    pub retransmitted: u32,
    /// Probes not sent because the run's deadline came first.
    pub not_sent: u32,
    #[serde(flatten)]
    pub summary: Summary,
}

#[cfg(feature = "probe")]
/// Sends `count` connect probes to `addr`, starting one every `interval` whether or not the
/// earlier ones have answered (as ping does), each with `timeout`, and summarizes them. The
/// interval is never shorter than 10 ms: bindcheck must not hammer a staging server.
pub async fn loss(
    addr: SocketAddr,
    count: u32,
    interval: Duration,
    timeout: Duration,
    deadline: Instant,
    limit: Option<&ConnectionLimit>,
) -> LossResult {
    let start = Instant::now();
    let probes = (0..count).map(|i| async move {
        let at = super::later(start, interval.saturating_mul(i));
        if at >= deadline {
            return Err(());
        }
        sleep_until(at).await;
        let (result, stream) = connect(addr, timeout, deadline, limit).await;
        drop(stream);
        match result.status {
            Status::Ok | Status::Refused | Status::Reset => Ok(result.time_ms),
            Status::NotMeasured => Err(()),
            _ => Ok(None),
        }
    });
    let outcomes = futures_util::future::join_all(probes).await;
    let not_sent = outcomes.iter().filter(|o| o.is_err()).count() as u32;
    let raw: Vec<Option<f64>> = outcomes.into_iter().flatten().collect();
    let (samples, retransmitted) = drop_retransmissions(&raw);
    LossResult {
        addr,
        family: Family::of(addr.ip()),
        retransmitted,
        not_sent,
        summary: Summary::of(&samples),
    }
}

/// Marks as lost the answers that came a retransmission gap or more after the fastest one.
pub fn drop_retransmissions(raw: &[Option<f64>]) -> (Vec<Option<f64>>, u32) {
    let gap = SYN_RETRANSMIT_GAP.as_secs_f64() * 1000.0;
    let Some(base) = raw.iter().flatten().copied().min_by(f64::total_cmp) else {
        return (raw.to_vec(), 0);
    };
    let mut retransmitted = 0;
    let samples = raw
        .iter()
        .map(|s| match s {
            Some(ms) if *ms >= base + gap => {
                retransmitted += 1;
                None
            }
            other => *other,
        })
        .collect();
    (samples, retransmitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(family: Family, ok: bool, ms: f64) -> ConnectResult {
        ConnectResult {
            addr: match family {
                Family::Ipv4 => "127.0.0.1:1".parse().unwrap(),
                Family::Ipv6 => "[::1]:1".parse().unwrap(),
            },
            family,
            status: if ok { Status::Ok } else { Status::Timeout },
            time_ms: ok.then_some(ms),
        }
    }

    #[test]
    fn happy_eyeballs_prefers_ipv6_within_the_delay() {
        assert_eq!(
            preferred_family(&[r(Family::Ipv6, true, 40.0), r(Family::Ipv4, true, 10.0)]),
            Some(Family::Ipv6)
        );
        assert_eq!(
            preferred_family(&[r(Family::Ipv6, true, 400.0), r(Family::Ipv4, true, 10.0)]),
            Some(Family::Ipv4)
        );
        assert_eq!(
            preferred_family(&[r(Family::Ipv6, false, 0.0), r(Family::Ipv4, true, 10.0)]),
            Some(Family::Ipv4)
        );
        assert_eq!(preferred_family(&[r(Family::Ipv6, true, 10.0)]), Some(Family::Ipv6));
        assert_eq!(preferred_family(&[r(Family::Ipv4, false, 0.0)]), None);
    }

    #[test]
    fn retransmitted_syns_count_as_loss_not_latency() {
        let raw = [Some(1.0), Some(1.2), Some(1001.1), None, Some(3002.0), Some(0.9)];
        let (samples, n) = drop_retransmissions(&raw);
        assert_eq!(n, 2);
        assert_eq!(samples, [Some(1.0), Some(1.2), None, None, None, Some(0.9)]);
        let s = Summary::of(&samples);
        assert_eq!(s.loss_pct, 50.0);
        assert_eq!(s.max_ms, Some(1.2));
    }
}
