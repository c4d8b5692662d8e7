//! The server's connections: hyper's HTTP/1 under the limits a server facing real networks
//! needs and `axum::serve` does not have (docs/serve.md, "Limits").
//!
//! - A header-read timeout, counted from the connection's opening or from the first byte
//!   of a later request on a keep-alive connection, and an idle timeout of its own for a
//!   keep-alive connection waiting for its next request. hyper has one timer for both (it
//!   starts the header's as soon as it waits for a request), so the connection keeps its
//!   own clock instead ([`Clock`]).
//! - A cap on the header's size and on the number of headers.
//! - A cap on open connections. At the cap, a new connection whose request header has
//!   arrived whole takes the place of the oldest connection with no request being handled
//!   (a slow client still sending its header, or an idle keep-alive one), so slow clients
//!   cannot lock others out. One whose request has not arrived whole waits for it in one
//!   of a few waiting places, and takes a connection's place when it has: one that has sent
//!   nothing yet (its request may be on its way) takes the oldest waiting one's place, one
//!   that has sent part of a header only a free place, and is closed otherwise. So a flood
//!   of slow clients costs the server an `accept`, a look and a `close` each, and does not
//!   turn its open connections over. When every connection is busy, the new one gets a 503
//!   with `Retry-After`.
//! - Running out of file descriptors pauses accepting for a moment, never for long.
//! - A graceful shutdown that lets requests in flight finish, within a grace period.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinSet;
use tower_http::request_id::{MakeRequestId, MakeRequestUuid};
use tower_service::Service;

use super::problem::Problem;
use super::ServeState;
use crate::validate::Lang;

/// How the server protects itself from slow and greedy clients. The defaults are what
/// `bindcheck serve` uses; docs/serve.md lists them.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Limits {
    /// Connections open at once. A new connection at the cap replaces the oldest one that
    /// has no request being handled; when all are busy it is answered 503.
    pub max_connections: usize,
    /// Requests to `/v1/validate` and `/probe` handled at once; more are answered 503.
    pub max_in_flight: usize,
    /// Time to send a whole request header: from the moment the connection opens, or, on
    /// a keep-alive connection, from the first byte of the next request.
    pub header_timeout: Duration,
    /// How long a keep-alive connection may wait, after an answer, for the first byte of
    /// its next request.
    pub idle_timeout: Duration,
    /// Time to send the body of a `/v1/validate` request and have it answered; 408 after.
    pub request_timeout: Duration,
    /// Largest request header, in bytes (at least 8 KiB); 431 above it.
    pub max_header_bytes: usize,
    /// Most header fields in a request; 431 above it.
    pub max_headers: usize,
    /// After a shutdown is asked for, how long requests in flight may take to finish.
    pub shutdown_grace: Duration,
}

/// At the connection cap, new connections whose request has not arrived yet that may wait
/// for it at once; a newer one takes the oldest one's place.
const WAITING_PLACES: usize = 16;

/// Connections answered 503 at once; more are closed without an answer.
const REFUSALS: usize = 32;

/// File descriptors kept for everything but client connections: outbound probe
/// connections (see [`super::OUTBOUND_CONNECTIONS`]), connections waiting for their
/// request or being refused, DNS sockets, the log, the listener.
const RESERVED_FDS: usize = super::OUTBOUND_CONNECTIONS + WAITING_PLACES + REFUSALS + 16;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: default_max_connections(fd_limit()),
            max_in_flight: 64,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            max_headers: 64,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// 1024 connections, or fewer when the process may not open enough files for them and
/// for its outbound probes.
fn default_max_connections(fd_limit: Option<u64>) -> usize {
    let by_fds = fd_limit.map_or(usize::MAX, |n| {
        usize::try_from(n).unwrap_or(usize::MAX).saturating_sub(RESERVED_FDS)
    });
    by_fds.clamp(16, 1024)
}

/// The soft limit on open files (`ulimit -n`), where the system says.
fn fd_limit() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
            .ok()
            .map(|(soft, _)| soft)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// One open connection: how many of its requests are being handled, the signal that
/// tells it to give up its place, and its clock.
struct Slot {
    busy: AtomicUsize,
    evict: Notify,
    clock: Clock,
}

impl Slot {
    fn new(opened: Instant) -> Slot {
        Slot {
            busy: AtomicUsize::new(0),
            evict: Notify::new(),
            clock: Clock::new(opened),
        }
    }
}

/// Where a connection is between requests, for its timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// A request header is arriving (or is awaited on a new connection), since then.
    Header(Instant),
    /// A request is being handled: no timer here (the request timeout is the handler's).
    Busy,
    /// A keep-alive connection has answered and waits for a request, since then.
    Idle(Instant),
}

/// A connection's phase, moved on by the bytes it reads and the requests it handles, and
/// the signal that wakes its timer when the phase changes.
///
/// Bytes that arrive while a request is handled (its body, or a pipelined request) do not
/// start the header timer: the connection is idle after the answer, and a pipelined
/// header that has not ended by then is held by the idle timeout, and, at the connection
/// cap, may be replaced like any idle connection.
struct Clock {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Clock {
    fn new(opened: Instant) -> Clock {
        Clock {
            phase: Mutex::new(Phase::Header(opened)),
            changed: Notify::new(),
        }
    }

    fn phase(&self) -> Phase {
        *self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, phase: Phase) {
        *self.phase.lock().unwrap_or_else(PoisonError::into_inner) = phase;
        self.changed.notify_one();
    }

    /// Bytes arrived: an idle connection is now sending a header.
    fn read(&self, at: Instant) {
        let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(*phase, Phase::Idle(_)) {
            *phase = Phase::Header(at);
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// When the current phase runs out, if it can.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        match self.phase() {
            Phase::Header(since) => since.checked_add(limits.header_timeout),
            Phase::Idle(since) => since.checked_add(limits.idle_timeout),
            Phase::Busy => None,
        }
    }

    /// Resolves when the connection has been in one phase for longer than it may be.
    async fn expired(&self, limits: &Limits) {
        loop {
            // Made before the deadline is read, so a change in between is not missed.
            let changed = self.changed.notified();
            match self.deadline(limits) {
                Some(at) if at <= Instant::now() => return,
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at.into()) => {}
                        () = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }
}

/// The client's stream, after the bytes read from it while it waited for a place,
/// telling the connection's clock when bytes arrive.
struct Watched {
    stream: TcpStream,
    read_ahead: Vec<u8>,
    at: usize,
    slot: Arc<Slot>,
}

impl tokio::io::AsyncRead for Watched {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        if self.at < self.read_ahead.len() {
            let n = buf.remaining().min(self.read_ahead.len() - self.at);
            let at = self.at;
            buf.put_slice(&self.read_ahead[at..at + n]);
            self.at += n;
            return std::task::Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.slot.clock.read(Instant::now());
        }
        polled
    }
}

impl tokio::io::AsyncWrite for Watched {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> std::task::Poll<io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The open connections, oldest first.
struct Tracker {
    max: usize,
    slots: Mutex<(u64, BTreeMap<u64, Arc<Slot>>)>,
}

/// A connection's place among the open ones, given back when it closes.
struct Place {
    tracker: Arc<Tracker>,
    id: u64,
    slot: Arc<Slot>,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut slots = self.tracker.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.1.remove(&self.id);
    }
}

/// What the tracker did to admit a connection.
enum Admission {
    Admitted(Place),
    /// Admitted in the place of an older, idle connection.
    Replaced(Place),
    /// At the cap, with a request not yet arrived: it may wait for it.
    Wait,
    /// Every connection is busy.
    Full,
}

/// What a new connection has sent, which decides at the cap whether it may take an idle
/// connection's place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arrived {
    /// A whole request header (a client that is ready to be answered).
    Request,
    /// Part of a header.
    Part,
    /// Nothing yet.
    Nothing,
}

/// Looks, without reading, at what `stream` has sent so far; `buf` is scratch space.
#[cfg(target_os = "linux")]
fn arrived(stream: &TcpStream, buf: &mut [u8]) -> Arrived {
    use nix::sys::socket::{recv, MsgFlags};
    use std::os::fd::AsRawFd;
    match recv(stream.as_raw_fd(), buf, MsgFlags::MSG_PEEK | MsgFlags::MSG_DONTWAIT) {
        Ok(n) if header_ended(&buf[..n.min(buf.len())]) => Arrived::Request,
        Ok(n) if n > 0 => Arrived::Part,
        _ => Arrived::Nothing,
    }
}

/// Where the system cannot say, every new connection is taken as ready: at the cap it
/// replaces the oldest idle one.
#[cfg(not(target_os = "linux"))]
fn arrived(_: &TcpStream, _: &mut [u8]) -> Arrived {
    Arrived::Request
}

impl Tracker {
    fn new(max: usize) -> Arc<Tracker> {
        Arc::new(Tracker {
            max: max.max(1),
            slots: Mutex::new((0, BTreeMap::new())),
        })
    }

    fn admit(self: &Arc<Tracker>, arrived: Arrived, now: Instant) -> Admission {
        let mut guard = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let (next, slots) = &mut *guard;
        let mut replaced = false;
        if slots.len() >= self.max {
            if arrived != Arrived::Request {
                return Admission::Wait;
            }
            // The oldest idle connection (ids grow with age).
            let idle = slots
                .iter()
                .find(|(_, s)| s.busy.load(Ordering::Acquire) == 0)
                .map(|(id, _)| *id);
            let Some(slot) = idle.and_then(|id| slots.remove(&id)) else {
                return Admission::Full;
            };
            slot.evict.notify_one();
            replaced = true;
        }
        let id = *next;
        *next += 1;
        let slot = Arc::new(Slot::new(now));
        slots.insert(id, Arc::clone(&slot));
        let place = Place {
            tracker: Arc::clone(self),
            id,
            slot,
        };
        if replaced {
            Admission::Replaced(place)
        } else {
            Admission::Admitted(place)
        }
    }

    fn open(&self) -> usize {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner).1.len()
    }
}

/// Counts a request as being handled while it lives.
struct Busy(Arc<Slot>);

impl Busy {
    fn enter(slot: &Arc<Slot>) -> Busy {
        slot.busy.fetch_add(1, Ordering::AcqRel);
        slot.clock.set(Phase::Busy);
        Busy(Arc::clone(slot))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if self.0.busy.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.clock.set(Phase::Idle(Instant::now()));
        }
    }
}

/// What every connection's task needs.
#[derive(Clone)]
struct Shared {
    app: Router,
    state: Arc<ServeState>,
    limits: Limits,
    tracker: Arc<Tracker>,
    waiting: Arc<Tracker>,
    refusals: Arc<Semaphore>,
    stopping: watch::Receiver<bool>,
}

/// Serves `app` on `listener` under `state`'s limits until `shutdown` completes.
pub(super) async fn run(
    listener: TcpListener,
    app: Router,
    state: Arc<ServeState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let limits = state.limits.clone();
    let (stop, stopping) = watch::channel(false);
    let shared = Shared {
        app,
        tracker: Tracker::new(limits.max_connections),
        waiting: Tracker::new(WAITING_PLACES),
        // Answering a refused connection holds a descriptor for up to a second.
        refusals: Arc::new(Semaphore::new(REFUSALS)),
        state,
        limits,
        stopping,
    };
    let mut connections = JoinSet::new();
    let mut last_warning: Option<Instant> = None;
    let mut peeked = vec![0u8; shared.limits.max_header_bytes.clamp(1024, 64 * 1024)];
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        while connections.try_join_next().is_some() {}
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                accept_failed(&e, &mut last_warning).await;
                continue;
            }
        };
        // Below the cap what has arrived does not matter: look only when it may.
        let arrived = if shared.tracker.open() >= shared.tracker.max {
            arrived(&stream, &mut peeked)
        } else {
            Arrived::Nothing
        };
        match shared.tracker.admit(arrived, Instant::now()) {
            Admission::Wait => {
                // A connection that has sent nothing yet (its request may be on its way)
                // takes the oldest waiting one's place; one that has sent part of a
                // header waits only in a free place. Under a flood of slow clients that
                // keeps the cost of each to an accept, a look and a close.
                let wait_as = if arrived == Arrived::Nothing {
                    Arrived::Request
                } else {
                    Arrived::Part
                };
                let (Admission::Admitted(wait) | Admission::Replaced(wait)) =
                    shared.waiting.admit(wait_as, Instant::now())
                else {
                    shared.state.metrics.connections_shed.inc();
                    continue;
                };
                let shared = shared.clone();
                connections.spawn(async move { wait_for_request(stream, wait, shared).await });
            }
            admission => {
                if let Some(place) = placed(admission, stream, &shared) {
                    let shared = shared.clone();
                    connections.spawn(async move { serve_placed(place, shared).await });
                }
            }
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let grace = shared.limits.shutdown_grace.saturating_add(Duration::from_secs(1));
    let _ = tokio::time::timeout(grace, async { while connections.join_next().await.is_some() {} }).await;
    Ok(())
}

/// A connection with a place, and what was read from it before.
struct Placed {
    place: Place,
    stream: TcpStream,
    read_ahead: Vec<u8>,
}

/// Counts an admission, and answers a connection with no place 503.
fn placed(admission: Admission, stream: TcpStream, shared: &Shared) -> Option<Placed> {
    let metrics = &shared.state.metrics;
    let place = match admission {
        Admission::Admitted(place) => place,
        Admission::Replaced(place) => {
            metrics.connections_replaced.inc();
            place
        }
        Admission::Full | Admission::Wait => {
            metrics.connections_refused.inc();
            refuse(stream, &shared.refusals);
            return None;
        }
    };
    metrics.connections_open.set(shared.tracker.open() as i64);
    let _ = stream.set_nodelay(true);
    Some(Placed {
        place,
        stream,
        read_ahead: Vec::new(),
    })
}

async fn serve_placed(placed: Placed, shared: Shared) {
    let Placed {
        place,
        stream,
        read_ahead,
    } = placed;
    connection(
        stream,
        read_ahead,
        &shared.app,
        &place,
        &shared.limits,
        shared.stopping.clone(),
    )
    .await;
    drop(place);
    shared.state.metrics.connections_open.set(shared.tracker.open() as i64);
}

/// A new connection at the cap whose request has not arrived: it is read (up to the
/// header's size cap) until its header ends, and then takes an idle connection's place.
/// It is closed if a newer one takes its waiting place first, or at the header timeout.
async fn wait_for_request(stream: TcpStream, wait: Place, shared: Shared) {
    let limits = &shared.limits;
    let cap = limits.max_header_bytes.max(1024);
    let mut read_ahead = Vec::with_capacity(1024);
    let ended = tokio::time::timeout(limits.header_timeout, async {
        let mut given_way = false;
        loop {
            tokio::select! {
                biased;
                ready = stream.readable() => {
                    if ready.is_err() {
                        return false;
                    }
                }
                // Told to give way: what has come by now decides.
                () = wait.slot.evict.notified(), if !given_way => given_way = true,
            }
            loop {
                let from = read_ahead.len().saturating_sub(3);
                match stream.try_read_buf(&mut read_ahead) {
                    Ok(0) => return false,
                    Ok(_) => {
                        if header_ended(&read_ahead[from..]) || read_ahead.len() >= cap {
                            return true;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(_) => return false,
                }
            }
            if given_way {
                return false;
            }
        }
    })
    .await
    .unwrap_or(false);
    drop(wait);
    if !ended {
        shared.state.metrics.connections_shed.inc();
        return;
    }
    let admission = shared.tracker.admit(Arrived::Request, Instant::now());
    if let Some(mut placed) = placed(admission, stream, &shared) {
        placed.read_ahead = read_ahead;
        serve_placed(placed, shared).await;
    }
}

/// Whether `bytes` hold the blank line that ends a request header.
fn header_ended(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == b"\r\n\r\n") || bytes.windows(2).any(|w| w == b"\n\n")
}

/// An accept that failed: out of file descriptors (pause a moment, so that closing
/// connections can free some), or a connection that went away before it was accepted.
async fn accept_failed(e: &io::Error, last_warning: &mut Option<Instant>) {
    let out_of_files = matches!(e.raw_os_error(), Some(code) if code == libc::EMFILE || code == libc::ENFILE);
    if out_of_files {
        if last_warning.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
            tracing::warn!("out of file descriptors: pausing new connections briefly (raise `ulimit -n`)");
            *last_warning = Some(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    } else {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The answer to a connection the server has no room for: a 503 with the API's error body,
/// in English (no request was read to say otherwise), and a request id of its own, as every
/// answer has.
fn busy_answer() -> Vec<u8> {
    let body = serde_json::to_string(&Problem::Busy.body(Lang::En)).unwrap_or_default();
    let id = MakeRequestUuid
        .make_request_id(&axum::http::Request::new(()))
        .and_then(|id| id.header_value().to_str().ok().map(str::to_owned))
        .unwrap_or_default();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\n\
         content-type: application/json\r\n\
         retry-after: 1\r\n\
         x-request-id: {id}\r\n\
         connection: close\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Answers a connection the server has no room for with a 503, within a second, without
/// reading its request beyond what it takes to close cleanly.
fn refuse(mut stream: TcpStream, refusals: &Arc<Semaphore>) {
    let Ok(permit) = Arc::clone(refusals).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _permit = permit;
        let answer = async {
            stream.write_all(&busy_answer()).await?;
            stream.shutdown().await?;
            // Read what the client sent, so that closing does not reset the connection
            // before the client has read the answer.
            let mut sink = [0u8; 4096];
            let mut left = 64 * 1024usize;
            while left > 0 {
                let n = stream.read(&mut sink).await?;
                if n == 0 {
                    break;
                }
                left = left.saturating_sub(n);
            }
            io::Result::Ok(())
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), answer).await;
    });
}

/// One connection, until it closes, is replaced, runs out of time for a header or for its
/// next request, or the shutdown's grace runs out.
async fn connection(
    stream: TcpStream,
    read_ahead: Vec<u8>,
    app: &Router,
    place: &Place,
    limits: &Limits,
    mut stopping: watch::Receiver<bool>,
) {
    let slot = Arc::clone(&place.slot);
    let app = app.clone();
    let service = hyper::service::service_fn(move |request| {
        let busy = Busy::enter(&slot);
        let answer = app.clone().call(request);
        async move {
            let response = answer.await;
            drop(busy);
            response
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // The connection's clock keeps the header and idle timers.
        .header_read_timeout(None)
        .max_buf_size(limits.max_header_bytes.max(8 * 1024))
        .max_header_size(limits.max_header_bytes)
        .max_headers(limits.max_headers);
    let watched = Watched {
        stream,
        read_ahead,
        at: 0,
        slot: Arc::clone(&place.slot),
    };
    let conn = builder.serve_connection(TokioIo::new(watched), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        // Dropping the connection closes it.
        () = place.slot.evict.notified() => return,
        () = place.slot.clock.expired(limits) => return,
        _ = stopping.wait_for(|stop| *stop) => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(limits.shutdown_grace, conn).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_leaves_room_for_probes_and_stays_in_bounds() {
        assert_eq!(default_max_connections(Some(256)), 256 - RESERVED_FDS);
        assert_eq!(default_max_connections(Some(1_048_576)), 1024);
        assert_eq!(default_max_connections(Some(20)), 16);
        assert_eq!(default_max_connections(None), 1024);
        assert_eq!(default_max_connections(Some(u64::MAX)), 1024);
    }

    #[test]
    fn the_header_timer_runs_from_the_opening_or_the_first_byte_and_the_idle_one_after_an_answer() {
        let limits = Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            ..Limits::default()
        };
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let clock = Clock::new(t0);
        assert_eq!(
            clock.deadline(&limits),
            Some(t0 + s(10)),
            "a new connection owes a header"
        );
        clock.read(t0 + s(2));
        assert_eq!(clock.deadline(&limits), Some(t0 + s(10)), "more bytes do not extend it");
        clock.set(Phase::Busy);
        assert_eq!(
            clock.deadline(&limits),
            None,
            "a request being handled has no timer here"
        );
        clock.read(t0 + s(3));
        assert_eq!(clock.phase(), Phase::Busy, "a body's bytes do not start a header");
        clock.set(Phase::Idle(t0 + s(4)));
        assert_eq!(
            clock.deadline(&limits),
            Some(t0 + s(64)),
            "an answered connection may idle"
        );
        clock.read(t0 + s(30));
        assert_eq!(clock.deadline(&limits), Some(t0 + s(40)), "the next header's own timer");
        // A clock cannot overflow into a panic.
        let huge = Limits {
            idle_timeout: Duration::MAX,
            ..Limits::default()
        };
        clock.set(Phase::Idle(t0));
        assert_eq!(clock.deadline(&huge), None);
    }

    #[test]
    fn a_new_connection_at_the_cap_replaces_the_oldest_idle_one_or_is_refused() {
        let t0 = Instant::now();
        let tracker = Tracker::new(2);
        let Admission::Admitted(first) = tracker.admit(Arrived::Nothing, t0) else {
            panic!("room for the first")
        };
        let Admission::Admitted(second) = tracker.admit(Arrived::Nothing, t0) else {
            panic!("room for the second")
        };
        let busy_second = Busy::enter(&second.slot);
        // Full: the first is idle, so it gives up its place to a ready request at once,
        // and is told to close.
        let Admission::Replaced(third) = tracker.admit(Arrived::Request, t0) else {
            panic!("the idle first connection should have been replaced")
        };
        assert_eq!(tracker.open(), 2);
        assert!(futures_util::FutureExt::now_or_never(first.slot.evict.notified()).is_some());
        // Now both are busy: the next one is refused.
        let third_busy = Busy::enter(&third.slot);
        assert!(matches!(tracker.admit(Arrived::Request, t0), Admission::Full));
        // A request finished: its connection is idle again and can be replaced.
        drop(busy_second);
        let Admission::Replaced(fourth) = tracker.admit(Arrived::Request, t0) else {
            panic!("the second connection is idle again and should have been replaced")
        };
        drop(third_busy);
        drop((first, second));
        assert_eq!(tracker.open(), 2);
        // A connection whose request has not arrived does not turn an open one over: it
        // waits for its request first.
        assert!(matches!(tracker.admit(Arrived::Nothing, t0), Admission::Wait));
        assert!(matches!(tracker.admit(Arrived::Part, t0), Admission::Wait));
        assert_eq!(tracker.open(), 2);
        assert!(futures_util::FutureExt::now_or_never(third.slot.evict.notified()).is_none());
        // Below the cap it does not matter.
        drop(fourth);
        assert!(matches!(tracker.admit(Arrived::Nothing, t0), Admission::Admitted(_)));
    }
}
