//! Connections: our own accept loop over hyper, so the HTTP layer's limits and timeouts
//! are ours, and so even hyper's own refusals (a request it cannot parse, a URI or header
//! block too large) go out as AWS error documents.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use openvpc_core::{ApiError, ErrorCode};
use openvpc_wire::errors::ec2_error;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::engine::Engine;

/// Largest request head hyper buffers; our own, lower limits answer before it.
const MAX_BUF: usize = 1 << 20;

/// Accepts connections until `shutdown` completes; each connection is served on its own
/// task, so a stalled one holds up no other.
pub async fn serve(
    listener: TcpListener,
    app: super::App,
    engine: Engine,
    read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    tokio::pin!(shutdown);
    engine.start_acks();
    // tokio wakes its own driver (an eventfd write, then an extra epoll_wait) whenever a
    // timer is set to fire before every timer it last parked with, or when it parked with
    // none: so each request's header read timeout did, 0.4 times per request with 16
    // writers in `full` mode (`perf record -e syscalls:sys_enter_write`). A timer always
    // set sooner than any read timeout takes that away.
    let sooner = (read_timeout / 2).max(Duration::from_millis(1));
    let keep_early = tokio::time::sleep(sooner);
    tokio::pin!(keep_early);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
            () = &mut keep_early => {
                keep_early.as_mut().reset(tokio::time::Instant::now() + sooner);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone();
        let io = TokioIo::new(Refusals::new(stream, engine.clone()));
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(read_timeout)
                .max_buf_size(MAX_BUF);
            // No `max_headers`: hyper's default (100, our own [`super::MAX_HEADERS`]) parses
            // into arrays on the stack; a configured count allocates and fills two arrays of
            // that size per request. More header lines get hyper's 431, rewritten below into
            // the same document our own limit answers.
            if let Err(e) = http.serve_connection(io, service).await {
                tracing::debug!("connection closed: {e}");
            }
        });
    }
}

/// A TCP stream that turns hyper's automatic refusals — a head-only 4xx with
/// `content-length: 0`, which no handler of ours ever sends — into AWS error documents.
struct Refusals {
    inner: TcpStream,
    engine: Engine,
    /// Replacement bytes still to write, and how many are written.
    out: Vec<u8>,
    written: usize,
}

impl Refusals {
    fn new(inner: TcpStream, engine: Engine) -> Self {
        Refusals {
            inner,
            engine,
            out: Vec::new(),
            written: 0,
        }
    }

    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.out.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.out[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.out.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

/// The AWS document for one of hyper's automatic refusals, if `head` is one (`id` makes
/// its request id, only then).
fn rewrite(head: &[u8], id: impl FnOnce() -> String) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let rest = text
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| text.strip_prefix("HTTP/1.0 "))?;
    let status: u16 = rest.get(..3)?.parse().ok()?;
    if !text.ends_with("\r\n\r\n")
        || !text
            .to_ascii_lowercase()
            .contains("\r\ncontent-length: 0\r\n")
    {
        return None;
    }
    let (code, message) = match status {
        414 => (ErrorCode::RequestURITooLong, "The request URI is too long."),
        431 => (
            ErrorCode::RequestHeaderFieldsTooLarge,
            "The request's header fields are too large or too many.",
        ),
        400 => (
            ErrorCode::MalformedHTTPRequest,
            "The request is not well-formed HTTP/1.1.",
        ),
        _ => return None,
    };
    let request_id = id();
    let doc = ec2_error(&ApiError::new(code, message), &request_id);
    let reason = rest.lines().next().unwrap_or("").get(4..).unwrap_or("");
    Some(
        format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: text/xml;charset=UTF-8\r\nx-amzn-requestid: {request_id}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{}",
            doc.body.len(),
            doc.body
        )
        .into_bytes(),
    )
}

impl AsyncRead for Refusals {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Refusals {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.drive(cx))?;
        if buf.starts_with(b"HTTP/1.") && buf.len() < 512 {
            let engine = self.engine.clone();
            if let Some(doc) = rewrite(buf, || engine.request_id()) {
                self.out = doc;
                let _ = self.drive(cx)?;
                return Poll::Ready(Ok(buf.len()));
            }
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drive(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drive(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_own_refusals_become_documents_and_nothing_else_does() {
        let head =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(rewrite(head, || "rid".into()).unwrap()).unwrap();
        assert!(
            out.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{out}"
        );
        assert!(out.contains("<Code>RequestHeaderFieldsTooLarge</Code>"));
        assert!(out.contains("<RequestID>rid</RequestID>"));
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let ours =
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/xml\r\ncontent-length: 120\r\n\r\n";
        assert_eq!(rewrite(ours, || "rid".into()), None);
        assert_eq!(
            rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", || "rid"
                .into()),
            None
        );
    }
}
