//! A tiny client of the EC2 and ELBv2 Query APIs for `openvpc demo`: one HTTP/1.1 POST per
//! call over a plain TCP connection, unsigned (the server must run without
//! `--credentials`); the account is chosen by a 12-digit access key id in the
//! `Authorization` header's credential scope.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The API versions the server dispatches on.
pub const EC2_VERSION: &str = "2016-11-15";
pub const ELB_VERSION: &str = "2015-12-01";

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The service answered with an error document.
    Api { code: String, message: String },
    /// No answer, or not an HTTP one.
    Transport(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Api { code, message } => write!(f, "{code}: {message}"),
            CallError::Transport(e) => f.write_str(e),
        }
    }
}

/// Which API a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Ec2,
    Elb,
}

/// An `http://host[:port][/path]` endpoint.
#[derive(Debug, Clone)]
pub struct Client {
    host: String,
    port: u16,
    path: String,
    pub region: String,
}

impl Client {
    pub fn new(url: &str, region: &str) -> Result<Client, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            format!("--endpoint {url}: only http:// endpoints are supported (the server's --listen address)")
        })?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() => (
                h.to_string(),
                p.parse()
                    .map_err(|_| format!("--endpoint {url}: bad port {p}"))?,
            ),
            None if !authority.is_empty() => (authority.to_string(), 80),
            _ => return Err(format!("--endpoint {url}: no host")),
        };
        Ok(Client {
            host,
            port,
            path: path.to_string(),
            region: region.to_string(),
        })
    }

    /// Calls `action` as `account`; returns the response body, or the error's code and message.
    pub fn call(
        &self,
        service: Service,
        account: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<String, CallError> {
        let (signing, version) = match service {
            Service::Ec2 => ("ec2", EC2_VERSION),
            Service::Elb => ("elasticloadbalancing", ELB_VERSION),
        };
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", action)
            .append_pair("Version", version);
        for (k, v) in params {
            form.append_pair(k, v);
        }
        let body = form.finish();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: {len}\r\nX-Amz-Date: 20260101T000000Z\r\nAuthorization: AWS4-HMAC-SHA256 Credential={account}/20260101/{region}/{signing}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0\r\nConnection: close\r\n\r\n{body}",
            path = self.path,
            host = self.host,
            port = self.port,
            len = body.len(),
            region = self.region,
        );
        let (status, text) = self.post(request.as_bytes()).map_err(|e| {
            CallError::Transport(format!(
                "{action} to http://{}:{}{}: {e}",
                self.host, self.port, self.path
            ))
        })?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        match (tag(&text, "Code"), tag(&text, "Message")) {
            (Some(code), message) => Err(CallError::Api {
                code: code.to_string(),
                message: unescape(message.unwrap_or_default()),
            }),
            (None, _) => Err(CallError::Transport(format!(
                "{action}: HTTP {status}: {}",
                text.trim()
            ))),
        }
    }

    /// `GET path` (an admin document such as `/_openvpc/dataplane`): status and body.
    pub fn get(&self, path: &str) -> Result<(u16, String), String> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\n\r\n",
            self.host, self.port
        );
        self.post(request.as_bytes())
    }

    fn post(&self, request: &[u8]) -> Result<(u16, String), String> {
        let addr = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| e.to_string())?
            .next()
            .ok_or("no address")?;
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
            .map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| e.to_string())?;
        s.write_all(request).map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
        parse_response(&raw)
    }
}

/// Status and body of a complete HTTP/1.1 response (identity or chunked).
fn parse_response(raw: &[u8]) -> Result<(u16, String), String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("truncated HTTP response")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut body = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or("not an HTTP response")?;
    let mut chunked = false;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
            if k == "transfer-encoding" && v.contains("chunked") {
                chunked = true;
            }
            if k == "content-length" {
                if let Ok(n) = v.parse::<usize>() {
                    body = &body[..n.min(body.len())];
                }
            }
        }
    }
    let body = if chunked {
        let mut out = Vec::new();
        let mut rest = body;
        loop {
            let eol = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or("bad chunk")?;
            let size_text = String::from_utf8_lossy(&rest[..eol]);
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| "bad chunk size")?;
            rest = &rest[eol + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(rest.get(..size).ok_or("truncated chunk")?);
            rest = rest.get(size + 2..).unwrap_or(&[]);
        }
        out
    } else {
        body.to_vec()
    };
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// The text of the first `<name>…</name>` element in `xml`.
pub fn tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&close)? + start;
    Some(&xml[start..end])
}

/// Every `<name>…</name>` text in `xml`, in order.
pub fn tags<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(t) = tag(rest, name) {
        out.push(t);
        let at = rest.find(&format!("</{name}>")).unwrap_or(rest.len()) + name.len() + 3;
        rest = &rest[at.min(rest.len())..];
    }
    out
}

/// Undoes XML escaping of text.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_parse() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
        assert_eq!(parse_response(plain).unwrap(), (200, "hello".into()));
        let chunked =
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap(), (400, "abcde".into()));
        assert!(parse_response(b"garbage").is_err());
    }

    #[test]
    fn tags_are_found() {
        let x = "<a><id>1</id><b><id>2</id></b><Code>X</Code></a>";
        assert_eq!(tag(x, "id"), Some("1"));
        assert_eq!(tags(x, "id"), vec!["1", "2"]);
        assert_eq!(tag(x, "Code"), Some("X"));
        assert_eq!(tag(x, "none"), None);
        assert_eq!(unescape("a &amp;lt; &lt;b&gt;"), "a &lt; <b>");
    }

    #[test]
    fn endpoints_parse() {
        let c = Client::new("http://127.0.0.1:4566", "us-east-1").unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.path.as_str()),
            ("127.0.0.1", 4566, "/")
        );
        let c = Client::new("http://localhost/x", "us-east-1").unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.path.as_str()),
            ("localhost", 80, "/x")
        );
        assert!(Client::new("https://x", "r").is_err());
        assert!(Client::new("http://:1", "r").is_err());
    }
}
