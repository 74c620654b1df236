//! The core's layering invariant (ARCHITECTURE.md, "Dependencies point down in the core"),
//! checked on the sources so that CI keeps it:
//!
//! - an area's behaviour uses only the behaviour of areas below it in [`ORDER`];
//! - any file may use any area's model (`<area>::model`, or a type its `model.rs` declares);
//! - a model file (`<area>/model.rs`, `world/mod.rs`, `command.rs`) uses only models;
//! - foundation modules use no area's behaviour;
//! - `world/apply.rs` and `world/hooks.rs` are the top: they may use anything.
//!
//! Tests (`tests.rs`, `#[cfg(test)]` modules, `testkit/`) are not checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The areas, bottom to top.
const ORDER: &[&str] = &[
    "image",
    "keypair",
    "vpc",
    "dhcp",
    "prefix_list",
    "nacl",
    "subnet",
    "peering",
    "sg",
    "eni",
    "gateway",
    "route",
    "vpn",
    "ram",
    "tgw",
    "elb",
    "endpoint_service",
    "endpoint",
    "insights",
    "flowlog",
];

/// Files that sit above every area: they may call any of them.
const TOP: &[&str] = &["world/apply.rs", "world/hooks.rs"];

/// Files that hold data only and so may use models only.
const MODELS: &[&str] = &["world/mod.rs", "command.rs"];

/// The sources of a crate: (path relative to `src`, text before any `#[cfg(test)]`).
fn sources(src: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let rel = path.strip_prefix(src).expect("below src");
                let rel = rel.to_string_lossy().replace('\\', "/");
                let text = fs::read_to_string(&path).expect("readable source");
                out.push((rel, without_tests(&text).to_string()));
            }
        }
    }
    out
}

/// The text before the first `#[cfg(test)]` item.
fn without_tests(text: &str) -> &str {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("#[cfg(test)]") {
            return &text[..at];
        }
        at += line.len();
    }
    text
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a `use` tree (what follows `crate::`) into its paths.
fn expand(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], prefix, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], prefix, out);
        return;
    }
    let head: String = tree.chars().take_while(|c| is_ident(*c)).collect();
    if head.is_empty() {
        return;
    }
    let mut path = prefix.to_vec();
    path.push(head.clone());
    match tree[head.len()..].trim_start().strip_prefix("::") {
        Some(rest) => expand(rest, &path, out),
        None => out.push(path),
    }
}

/// Every `crate::…` path a source names: its `use crate::…;` trees expanded, and every
/// other `crate::a::b` written in the code.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + "crate::".len()..];
        rest = after;
        if before.is_some_and(|c| is_ident(c) || c == ':') {
            continue;
        }
        if rest.trim_start().starts_with('{') {
            let end = after.find(';').unwrap_or(after.len());
            expand(&after[..end], &[], &mut out);
            rest = &after[end..];
            continue;
        }
        let mut path = Vec::new();
        let mut s = after;
        loop {
            let word: String = s.chars().take_while(|c| is_ident(*c)).collect();
            if word.is_empty() {
                break;
            }
            s = &s[word.len()..];
            path.push(word);
            match s.strip_prefix("::") {
                Some(next) if next.starts_with(|c: char| is_ident(c)) => s = next,
                Some(next) if next.starts_with('{') => {
                    let end = next.find(';').unwrap_or(next.len());
                    expand(&next[..end], &path, &mut out);
                    path.clear();
                    break;
                }
                _ => break,
            }
        }
        if !path.is_empty() {
            out.push(path);
        }
    }
    out
}

/// The names an area's `model.rs` declares (`pub struct|enum|type|trait|const|fn`).
fn model_names(sources: &[(String, String)], area: &str) -> BTreeSet<String> {
    let model = format!("{area}/model.rs");
    let Some((_, text)) = sources.iter().find(|(rel, _)| *rel == model) else {
        return BTreeSet::new();
    };
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let Some(decl) = line.trim_start().strip_prefix("pub ") else {
            continue;
        };
        for kw in ["struct ", "enum ", "type ", "trait ", "const ", "fn "] {
            if let Some(rest) = decl.strip_prefix(kw) {
                names.insert(rest.chars().take_while(|c| is_ident(*c)).collect());
            }
        }
    }
    names
}

/// Every import of the crate at `src` that breaks the layering, one line each.
fn violations(src: &Path) -> Vec<String> {
    let sources = sources(src);
    let models: BTreeMap<&str, BTreeSet<String>> = ORDER
        .iter()
        .map(|a| (*a, model_names(&sources, a)))
        .collect();
    let rank = |area: &str| ORDER.iter().position(|a| *a == area);
    let mut bad = BTreeSet::new();
    for (rel, text) in &sources {
        let file = rel.rsplit('/').next().unwrap_or(rel);
        if TOP.contains(&rel.as_str()) || file == "tests.rs" || rel.starts_with("testkit") {
            continue;
        }
        let first = rel.split('/').next().unwrap_or(rel);
        let me = first.strip_suffix(".rs").unwrap_or(first);
        let is_model = file == "model.rs" || MODELS.contains(&rel.as_str());
        for path in crate_paths(text) {
            let other = path[0].as_str();
            let Some(other_rank) = rank(other) else {
                continue; // a foundation module or a crate-root item
            };
            if other == me {
                continue;
            }
            let item = path.get(1).map(String::as_str);
            if item.is_some_and(|i| i == "model" || models[other].contains(i)) {
                continue;
            }
            let shown = path.join("::");
            if is_model {
                bad.insert(format!(
                    "{rel}: a model may use only models, not crate::{shown}"
                ));
            } else if rank(me).is_some_and(|mine| other_rank < mine) {
                continue;
            } else {
                bad.insert(format!(
                    "{rel}: uses crate::{shown} (area `{other}` is not below `{me}`)"
                ));
            }
        }
    }
    bad.into_iter().collect()
}

#[test]
fn dependencies_point_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(
        bad.is_empty(),
        "the core's layering is broken (see ARCHITECTURE.md, Invariants):\n{}",
        bad.join("\n")
    );
}

/// A scratch source tree of the given files, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, files: &[(&str, &str)]) -> Scratch {
        let root =
            std::env::temp_dir().join(format!("openvpc-layers-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for (rel, text) in files {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().expect("a parent")).expect("scratch dir");
            fs::write(path, text).expect("scratch file");
        }
        Scratch(root)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_check_finds_each_kind_of_violation() {
    let tree = Scratch::new(
        "bad",
        &[
            ("vpc/model.rs", "pub struct Vpc;\n"),
            ("vpc/vpcs.rs", "use crate::subnet::allocate_ip;\n"),
            ("subnet/model.rs", "pub struct Subnet;\n"),
            (
                "subnet/subnets.rs",
                "use crate::vpc::{self, model::Vpc};\nfn f() { crate::eni::create(); }\n",
            ),
            ("eni/model.rs", "use crate::route::{Route, add_route};\n"),
            ("route/model.rs", "pub struct Route;\n"),
            ("filter.rs", "use crate::{tags, sg::evaluate};\n"),
            (
                "command.rs",
                "use crate::{vpc::model as vpc, subnet};\n#[cfg(test)]\nuse crate::eni::x;\n",
            ),
            ("world/hooks.rs", "use crate::{endpoint, insights};\n"),
            ("sg/tests.rs", "use crate::insights::run;\n"),
        ],
    );
    assert_eq!(
        violations(&tree.0),
        [
            "command.rs: a model may use only models, not crate::subnet",
            "eni/model.rs: a model may use only models, not crate::route::add_route",
            "filter.rs: uses crate::sg::evaluate (area `sg` is not below `filter`)",
            "subnet/subnets.rs: uses crate::eni::create (area `eni` is not below `subnet`)",
            "vpc/vpcs.rs: uses crate::subnet::allocate_ip (area `subnet` is not below `vpc`)",
        ]
    );
}

#[test]
fn use_trees_expand_to_their_paths() {
    let paths = crate_paths(
        "use crate::{a::{b, c::D as E}, f};\nuse crate::g::{h, i};\nlet x = crate::j::k(1);\nuse other::crate::z;",
    );
    let paths: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(paths, ["a::b", "a::c::D", "f", "g::h", "g::i", "j::k"]);
}
