//! The console's files, compiled into the binary with `include_bytes!`.
//!
//! The console is a static single-page client of the public API (it signs its requests with
//! SigV4 in the browser), so serving it needs nothing but a path → bytes table. The server
//! mounts the table at `/console/` (see `openvpc_server::http`).
//!
//! Every file under `assets/` must be listed in [`ASSETS`]; a test checks it.

/// One file of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// Path below `/console/`, e.g. `js/main.js`.
    pub path: &'static str,
    /// The `Content-Type` to serve it with.
    pub content_type: &'static str,
    /// The file's bytes.
    pub body: &'static [u8],
}

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";

macro_rules! asset {
    ($path:literal, $content_type:expr) => {
        Asset {
            path: $path,
            content_type: $content_type,
            body: include_bytes!(concat!("../assets/", $path)),
        }
    };
}

/// Every file of the console.
pub const ASSETS: &[Asset] = &[
    asset!("index.html", HTML),
    asset!("console.css", CSS),
    asset!("favicon.svg", SVG),
    asset!("topology.css", CSS),
    asset!("js/api.js", JS),
    asset!("js/details.js", JS),
    asset!("js/explain.js", JS),
    asset!("js/export.js", JS),
    asset!("js/kinds.js", JS),
    asset!("js/layout.js", JS),
    asset!("js/live.js", JS),
    asset!("js/main.js", JS),
    asset!("js/matrix.js", JS),
    asset!("js/model.js", JS),
    asset!("js/net.js", JS),
    asset!("js/render.js", JS),
    asset!("js/scene.js", JS),
    asset!("js/sha256.js", JS),
    asset!("js/sigv4.js", JS),
    asset!("js/tgw.js", JS),
    asset!("js/trace.js", JS),
    asset!("js/ui.js", JS),
    asset!("js/viewport.js", JS),
    asset!("js/xml.js", JS),
];

/// The page itself (`GET /console`).
pub const INDEX: &str = "index.html";

/// The file at `path` (relative to `/console/`), if the console has it.
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

#[cfg(test)]
mod tests;
