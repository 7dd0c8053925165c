//! `list`: rank order, filters and every format.

use crate::common::Fixture;

#[test]
fn table_in_rank_order() {
    let f = Fixture::example();
    let r = f.run(&["list"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn filters_combine() {
    let f = Fixture::example();
    let r = f.run(&[
        "list", "--open", "--label", "payments", "--label", "export", "--kind", "story",
    ]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
    let r = f.run(&["list", "--sprint", "2026-S23", "--status", "ready"]);
    insta::assert_snapshot!(r.stdout);
    let r = f.run(&[
        "list",
        "--stakeholder",
        "bookkeepers",
        "--goal",
        "G-2",
        "--epic",
        "S-2",
    ]);
    insta::assert_snapshot!(r.stdout);
    insta::assert_snapshot!(f.run(&["list", "--status", "nonsense"]), @"
    ------- stderr -------
    error: no status is called `nonsense`
      help: the statuses are: idea, draft, ready, in-progress, review, done, dropped
    [exit status: 2]
    ");
}

#[test]
fn json_is_valid_and_in_rank_order() {
    let f = Fixture::example();
    let r = f.run(&["list", "--format", "json"]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 32);
    let positions: Vec<u64> = rows
        .iter()
        .map(|r| r["position"].as_u64().unwrap())
        .collect();
    assert_eq!(positions, (1..=32).collect::<Vec<u64>>());
    assert_eq!(rows[0]["id"], "S-3");
    assert_eq!(rows[15]["id"], "S-15");
    assert_eq!(rows[15]["rank"], "12.5");
    assert_eq!(rows[15]["depends_on"], serde_json::json!(["S-14"]));
    insta::assert_snapshot!(serde_json::to_string_pretty(&rows[15]).unwrap());
}

#[test]
fn markdown_and_csv() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-22"),
        "title: Import customers from a CSV file",
        "title: \"Import customers | \\\"quoted\\\", with commas\"",
    );
    let r = f.run(&["list", "--format", "md", "--goal", "G-3"]);
    insta::assert_snapshot!(r.stdout);
    let r = f.run(&["list", "--format", "csv", "--goal", "G-3"]);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn table_fits_the_width() {
    let f = Fixture::example();
    let out = assert_cmd::Command::cargo_bin("backlog")
        .unwrap()
        .args(["list", "--open", "--sprint", "2026-S23"])
        .current_dir(f.root())
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(line.chars().count() <= 60, "{line:?} is wider than 60");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn unranked_last_and_ties_by_id() {
    let f = Fixture::example();
    f.edit(&f.story("S-29"), "rank: 60\n", "");
    f.edit(&f.story("S-21"), "rank: 45\n", "");
    f.edit(&f.story("S-28"), "rank: 35", "rank: 9.5");
    let r = f.run(&["list", "--format", "csv"]);
    let ids: Vec<String> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(&ids[10..12], ["S-12", "S-28"]);
    assert_eq!(&ids[30..], ["S-21", "S-29"]);
}

#[test]
fn closed_pipe_is_not_an_error() {
    // Enough output (well over a pipe buffer) that `head` closes the pipe mid-write.
    let f = Fixture::empty();
    f.write("backlog.yaml", "product: Pipe\n");
    for n in 1..=1500 {
        f.write(
            &format!("stories/S-{n}.md"),
            format!("---\nid: S-{n}\ntitle: Story number {n}\nstatus: draft\nrank: {n}\n---\n"),
        );
    }
    let bin = assert_cmd::cargo::cargo_bin("backlog");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' list --format json | head -c 10 >/dev/null",
            bin.display()
        ))
        .current_dir(f.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "exit {:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
