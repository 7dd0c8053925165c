//! The module tree's layers, held to: a folder of `src/` uses only the
//! folders below it (the order of `src/lib.rs`'s diagram), gix appears only
//! in `src/git/`, and clap only in `src/cli/` and `main.rs`.

use std::path::{Path, PathBuf};

/// Bottom first.
const LAYERS: &[&str] = &[
    "syntax", "model", "git", "source", "edit", "load", "check", "compare", "history", "views",
    "plan", "import", "render", "cli",
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// Every `crate::<folder>` a text names.
fn crate_uses(text: &str) -> Vec<String> {
    text.match_indices("crate::")
        .map(|(i, m)| {
            text[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// What breaks the layering in `src`, as "file uses folder" lines.
fn violations(src: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for file in rust_files(src) {
        let rel = file.strip_prefix(src).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let Some(folder) = rel.components().next().and_then(|c| c.as_os_str().to_str()) else {
            continue;
        };
        let name = rel.to_string_lossy();
        if text.contains("gix::") && folder != "git" {
            out.push(format!("{name} uses gix outside src/git"));
        }
        if text.contains("clap") && folder != "cli" && name != "main.rs" {
            out.push(format!("{name} uses clap outside src/cli"));
        }
        let Some(level) = LAYERS.iter().position(|l| *l == folder) else {
            if !matches!(folder, "lib.rs" | "main.rs") {
                out.push(format!("{name} is in no layer"));
            }
            continue;
        };
        for used in crate_uses(&text) {
            match LAYERS.iter().position(|l| *l == used) {
                Some(u) if u > level => out.push(format!("{name} uses {used}, a higher layer")),
                Some(_) => {}
                None => out.push(format!("{name} uses crate::{used}, which is no layer")),
            }
        }
    }
    out.sort();
    out
}

#[test]
fn folders_use_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    assert_eq!(violations(&src), Vec::<String>::new());
}

#[test]
fn the_layer_check_catches_an_upward_use() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("model/mod.rs", "use crate::check::check;\n");
    write("check/mod.rs", "use crate::model::Snapshot;\n");
    write("views/list.rs", "#[derive(clap::ValueEnum)]\nenum F {}\n");
    write("load/mod.rs", "fn f() -> gix::ObjectId { todo!() }\n");
    assert_eq!(
        violations(dir.path()),
        vec![
            "load/mod.rs uses gix outside src/git",
            "model/mod.rs uses check, a higher layer",
            "views/list.rs uses clap outside src/cli",
        ]
    );
}

/// The layer list here and the diagram in lib.rs say the same.
#[test]
fn the_diagram_in_lib_rs_lists_the_layers() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let diagram: Vec<&str> = lib
        .lines()
        .skip_while(|l| !l.contains("```text"))
        .skip(1)
        .take_while(|l| !l.contains("```"))
        .filter_map(|l| l.trim_start_matches("//!").split_whitespace().next())
        .filter(|w| LAYERS.contains(w))
        .collect();
    let top_first: Vec<&str> = LAYERS.iter().rev().copied().collect();
    assert_eq!(diagram, top_first);
}
