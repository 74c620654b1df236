use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::*;

fn files(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, base, out);
        } else {
            let rel = path.strip_prefix(base).unwrap();
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn assets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets")
}

#[test]
fn every_file_under_assets_is_served() {
    let mut on_disk = BTreeSet::new();
    files(&assets_dir(), &assets_dir(), &mut on_disk);
    let listed: BTreeSet<String> = ASSETS.iter().map(|a| a.path.to_string()).collect();
    assert_eq!(on_disk, listed);
    assert!(asset(INDEX).is_some());
    assert!(asset("../Cargo.toml").is_none());
}

/// Nothing is fetched from anywhere but the server itself: no absolute URLs other than
/// XML namespace names.
#[test]
fn assets_reference_no_other_host() {
    const NAMESPACES: [&str; 2] = ["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"];
    for a in ASSETS {
        let mut text = String::from_utf8(a.body.to_vec()).unwrap();
        for ns in NAMESPACES {
            text = text.replace(ns, "");
        }
        for needle in ["http://", "https://", "//cdn", "@import"] {
            assert!(!text.contains(needle), "{} contains {needle}", a.path);
        }
    }
}

/// Every module a script imports and every file the page links is served.
#[test]
fn imports_and_links_resolve() {
    for a in ASSETS {
        let text = std::str::from_utf8(a.body).unwrap();
        let dir = a.path.rsplit_once('/').map_or("", |(d, _)| d);
        for quote in ["from './", "import('./"] {
            for part in text.split(quote).skip(1) {
                let name = part.split('\'').next().unwrap();
                let path = if dir.is_empty() {
                    name.to_string()
                } else {
                    format!("{dir}/{name}")
                };
                assert!(asset(&path).is_some(), "{} imports missing {path}", a.path);
            }
        }
        if a.path == INDEX {
            for attr in ["src=\"", "href=\""] {
                for part in text.split(attr).skip(1) {
                    let target = part.split('"').next().unwrap();
                    if target.starts_with('#') {
                        continue;
                    }
                    let path = target.trim_start_matches("/console/");
                    assert!(asset(path).is_some(), "index.html links missing {target}");
                }
            }
        }
    }
}
