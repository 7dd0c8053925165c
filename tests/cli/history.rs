//! `log`, `blame`, `decisions` and `--at` on scripted git histories, and
//! agreement with `git log --follow`.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::Fixture;

const CONFIG: &str = "product: History\nworkflow:\n  statuses: [draft, ready, in-progress, done]\n  done: [done]\ndefinition_of_ready:\n  require: []\n";

fn story(id: &str, title: &str, status: &str, rank: &str, extra: &str) -> String {
    format!("---\nid: {id}\ntitle: {title}\nstatus: {status}\nrank: {rank}\n{extra}---\nAs a user, I want {title}, so that it works.\n\n## Acceptance criteria\n- [ ] It works\n")
}

/// Commits with a fixed author date so commit ids and output are stable.
struct Script<'a> {
    f: &'a Fixture,
    n: u32,
}

impl Script<'_> {
    fn commit(&mut self, message: &str) {
        self.n += 1;
        let date = format!("2026-11-{:02}T10:00:00Z", self.n);
        self.f.git(&["add", "-A"]);
        let status = Command::new("git")
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .current_dir(self.f.root())
            .env(
                "GIT_AUTHOR_NAME",
                if self.n % 2 == 0 {
                    "Sam Dev"
                } else {
                    "Pat Owner"
                },
            )
            .env(
                "GIT_AUTHOR_EMAIL",
                if self.n % 2 == 0 {
                    "sam@example.com"
                } else {
                    "pat@example.com"
                },
            )
            .env("GIT_COMMITTER_NAME", "Pat Owner")
            .env("GIT_COMMITTER_EMAIL", "pat@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn git(&mut self, args: &[&str]) {
        self.n += 1;
        let date = format!("2026-11-{:02}T10:00:00Z", self.n);
        let status = Command::new("git")
            .args(args)
            .current_dir(self.f.root())
            .env("GIT_AUTHOR_NAME", "Pat Owner")
            .env("GIT_AUTHOR_EMAIL", "pat@example.com")
            .env("GIT_COMMITTER_NAME", "Pat Owner")
            .env("GIT_COMMITTER_EMAIL", "pat@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_EDITOR", "true")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
}

/// A history with a re-rank, a rename, a merged branch, a revert, a story
/// deleted and re-added, a body-only change and review decisions.
fn scripted() -> Fixture {
    let f = Fixture::empty();
    f.git(&["init", "-q", "-b", "main"]);
    let mut s = Script { f: &f, n: 0 };
    f.write("backlog.yaml", CONFIG);
    f.write(
        "stories/S-1-one.md",
        story("S-1", "One", "draft", "10", "estimate: 3\n"),
    );
    f.write("stories/S-2-two.md", story("S-2", "Two", "draft", "20", ""));
    f.write(
        "stories/S-3-three.md",
        story("S-3", "Three", "draft", "30", ""),
    );
    f.write(
        "sprints/2026-S1.md",
        "---\nid: 2026-S1\nstart: 2026-11-01\nend: 2026-11-14\n---\n",
    );
    s.commit("Initial backlog");
    f.edit("stories/S-2-two.md", "rank: 20", "rank: 5");
    s.commit("Two comes first: customers asked");
    s.git(&[
        "mv",
        ".backlog/stories/S-3-three.md",
        ".backlog/stories/S-3-renamed.md",
    ]);
    s.commit("Rename S-3's file");
    f.edit(
        "stories/S-3-renamed.md",
        "status: draft",
        "status: ready\nestimate: 2",
    );
    s.commit("S-3 is ready");
    s.git(&["checkout", "-q", "-b", "feature"]);
    f.edit("stories/S-1-one.md", "estimate: 3", "estimate: 5");
    s.commit("Re-estimate S-1");
    f.write(
        "stories/S-4-four.md",
        story("S-4", "Four", "draft", "40", ""),
    );
    s.commit("Add S-4");
    s.git(&["checkout", "-q", "main"]);
    f.edit("stories/S-2-two.md", "title: Two", "title: Two, renamed");
    s.commit("Retitle S-2");
    s.git(&["merge", "-q", "--no-ff", "feature", "-m", "Merge feature"]);
    s.git(&["revert", "--no-edit", "HEAD~1"]);
    std::fs::remove_file(f.backlog().join("stories/S-1-one.md")).unwrap();
    s.commit("Drop S-1");
    f.write(
        "stories/S-1-one.md",
        story("S-1", "One", "draft", "10", "estimate: 5\n"),
    );
    s.commit("Bring S-1 back");
    f.edit("stories/S-2-two.md", "- [ ] It works", "- [x] It works");
    s.commit("S-2 criterion met");
    f.edit("sprints/2026-S1.md", "end: 2026-11-14\n", "end: 2026-11-14\nreview:\n  decisions:\n    - { story: S-2, decision: accepted, note: looks good }\n");
    s.commit("Review of 2026-S1");
    f.edit(
        "sprints/2026-S1.md",
        "decision: accepted, note: looks good",
        "decision: rejected, note: totals wrong",
    );
    s.commit("Correct the S-2 decision");
    f
}

#[test]
fn log_tells_the_story_of_the_backlog() {
    let f = scripted();
    let r = f.run(&["log"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Commit ids depend on git's version of the commit format; redact them.
    let redacted: Vec<String> = r
        .stdout
        .lines()
        .map(|l| {
            if !l.starts_with(' ') && l.len() > 7 {
                format!("<id>{}", &l[7..])
            } else {
                l.to_string()
            }
        })
        .collect();
    insta::assert_snapshot!(redacted.join("\n"));
}

#[test]
fn priority_audit_has_positions() {
    let f = scripted();
    let r = f.run(&["log", "--priority", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    assert_eq!(
        rows[0]["subject"],
        serde_json::json!({"kind": "story", "id": "S-2"})
    );
    assert_eq!(
        rows[0]["change"],
        serde_json::json!({"type": "rank", "old": "20", "new": "5", "old_position": 2, "new_position": 1})
    );
    assert_eq!(rows[0]["author"], "Sam Dev");
    assert_eq!(rows[0]["summary"], "Two comes first: customers asked");
}

#[test]
fn log_filters() {
    let f = scripted();
    let r = f.run(&["log", "S-3", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let types: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["field", "field", "story_renamed", "story_added"]);
    let r = f.run(&["log", "--author", "sam", "--field", "title"]);
    assert!(
        r.stdout.ends_with(
            "  2026-11-10  Sam Dev  Retitle S-2\n    S-2       title Two -> Two, renamed\n"
        ),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 2);
    let r = f.run(&["log", "--author", "nobody"]);
    assert_eq!(r.stdout, "no changes match\n");
    let r = f.run(&["log", "--field", "title", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2); // retitle and its revert
    let r = f.run(&[
        "log",
        "--since",
        "2026-11-12",
        "--until",
        "2026-11-12",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let dated = v.as_array().unwrap();
    // The revert of "Retitle S-2" is the one commit of that day.
    assert_eq!(dated.len(), 1, "{}", r.stdout);
    assert_eq!(dated[0]["date"], "2026-11-12");
    assert_eq!(dated[0]["summary"], "Revert \"Retitle S-2\"");
    let r = f.run(&["log", "HEAD~2..HEAD", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2, "{}", r.stdout);
    let r = f.run(&["log", "nope..HEAD"]);
    r.assert_usage_error("error: unknown revision `nope`");
}

#[test]
fn all_parents_attributes_changes_to_the_branch_commits() {
    let f = scripted();
    let first = f.run(&["log", "S-1", "--field", "estimate", "--format", "json"]);
    let all = f.run(&[
        "log",
        "S-1",
        "--field",
        "estimate",
        "--all-parents",
        "--format",
        "json",
    ]);
    let summary = |s: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(s).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["summary"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(summary(&first.stdout), ["Merge feature"]);
    assert_eq!(summary(&all.stdout), ["Re-estimate S-1"]);
}

#[test]
fn blame_names_the_commit_of_each_current_value() {
    let f = scripted();
    let r = f.run(&["blame", "S-3", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let by_field = |field: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|l| l["field"] == field)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_field("status")["summary"], "S-3 is ready");
    assert_eq!(by_field("estimate")["summary"], "S-3 is ready");
    assert_eq!(by_field("title")["summary"], "Initial backlog");
    assert_eq!(by_field("rank")["summary"], "Initial backlog");
    let r = f.run(&["blame", "S-1"]);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("estimate") && l.ends_with("Bring S-1 back")),
        "{}",
        r.stdout
    );
    let r = f.run(&["blame", "S-99"]);
    assert_eq!(r.code, 2);
}

#[test]
fn decisions_show_amendments() {
    let f = scripted();
    let r = f.run(&["decisions"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "2026-S1");
    assert!(
        lines[1].starts_with("  * review decision: S-2 accepted (looks good)  "),
        "{}",
        r.stdout
    );
    assert!(
        lines[2].starts_with(
            "  * review decision on S-2 edited: accepted (looks good) -> rejected (totals wrong)  "
        ),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .ends_with("* amended after it was first recorded: the lines above show every version\n"));
}

#[test]
fn at_reads_old_revisions_without_touching_the_tree() {
    let f = scripted();
    let r = f.run(&["--at", "HEAD~10", "list", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(ids, ["S-2", "S-1", "S-3"]);
    assert_eq!(f.run(&["--at", "HEAD~10", "check"]).code, 0);
    let r = f.run(&["--at", "HEAD~10", "show", "S-3"]);
    assert!(
        r.stdout
            .contains("file:         .backlog/stories/S-3-three.md"),
        "{}",
        r.stdout
    );
    let r = f.run(&["--at", "does-not-exist", "list"]);
    r.assert_usage_error("error: unknown revision `does-not-exist`");
    // A revision before the backlog existed.
    std::fs::write(f.root().join("README"), "x").unwrap();
    let r = f.run(&["--at", "HEAD", "--dir", "elsewhere", "list"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("has no backlog folder at elsewhere"),
        "{}",
        r.stderr
    );
}

/// The front matter of `path` at `commit`, if the file exists there.
fn front_matter(f: &Fixture, commit: &str, path: &str) -> Option<String> {
    let out = Command::new("git")
        .args(["show", &format!("{commit}:{path}")])
        .current_dir(f.root())
        .output()
        .unwrap();
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).unwrap();
    text.split("---\n").nth(1).map(str::to_string)
}

#[test]
fn log_agrees_with_git_log_follow() {
    let f = scripted();
    for (id, path) in [
        ("S-1", ".backlog/stories/S-1-one.md"),
        ("S-2", ".backlog/stories/S-2-two.md"),
        ("S-3", ".backlog/stories/S-3-renamed.md"),
        ("S-4", ".backlog/stories/S-4-four.md"),
    ] {
        // git: commits touching the file (following renames), oldest first,
        // kept where the front matter differs from the previous version.
        let out = Command::new("git")
            .args(["log", "--follow", "--format=%H", "--name-only", "--", path])
            .current_dir(f.root())
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let mut entries: Vec<(String, String)> = Vec::new();
        let mut lines = text.lines().filter(|l| !l.is_empty());
        while let (Some(c), Some(p)) = (lines.next(), lines.next()) {
            entries.push((c.to_string(), p.to_string()));
        }
        entries.reverse();
        let mut expected = BTreeSet::new();
        let mut previous: Option<String> = None;
        for (commit, p) in &entries {
            let now = front_matter(&f, commit, p);
            if now != previous {
                expected.insert(commit.clone());
            }
            previous = now;
        }
        // backlog: commits with a front-matter event for the story.
        let r = f.run(&["log", id, "--all-parents", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let actual: BTreeSet<String> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                !matches!(
                    e["change"]["type"].as_str().unwrap(),
                    "criterion_checked" | "criterion_added" | "criterion_removed" | "story_renamed"
                )
            })
            .filter(|e| e["subject"]["kind"] == "story")
            .map(|e| e["commit"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(actual, expected, "{id}: backlog log vs git log --follow");
    }
}

#[test]
fn history_commands_outside_a_repository_say_so() {
    let f = Fixture::empty();
    f.write("backlog.yaml", CONFIG);
    let r = f.run(&["log"]);
    r.assert_usage_error("error: not in a git repository");
}

#[test]
fn the_index_is_extended_and_never_trusted_blindly() {
    let f = scripted();
    let first = f.run(&["log", "--format", "json"]);
    let index = f.root().join(".git/backlog/history-v1-_backlog-first.json");
    assert!(index.is_file(), "log writes its index under .git/backlog");
    // A new commit on top: the index is extended, and the result is the
    // same as a fresh build.
    f.edit("stories/S-2-two.md", "rank: 5", "rank: 50");
    f.git(&["commit", "-qam", "Two goes last"]);
    let extended = f.run(&["log", "--format", "json"]);
    std::fs::remove_file(&index).unwrap();
    let fresh = f.run(&["log", "--format", "json"]);
    assert_eq!(extended.stdout, fresh.stdout);
    assert_ne!(first.stdout, fresh.stdout);
    assert!(fresh.stdout.contains("\"summary\": \"Two goes last\""));
    // A corrupt index is rebuilt, not believed.
    std::fs::write(&index, "{ not json").unwrap();
    assert_eq!(f.run(&["log", "--format", "json"]).stdout, fresh.stdout);
    // History rewritten under it (amend): the index is rebuilt.
    f.edit("stories/S-2-two.md", "rank: 50", "rank: 60");
    f.git(&["commit", "-q", "-a", "--amend", "-m", "Two goes very last"]);
    let r = f.run(&["log", "--format", "json"]);
    assert!(r.stdout.contains("\"summary\": \"Two goes very last\""));
    assert!(!r.stdout.contains("\"summary\": \"Two goes last\""));
}
