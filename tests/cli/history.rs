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
                if self.n.is_multiple_of(2) {
                    "Sam Dev"
                } else {
                    "Pat Owner"
                },
            )
            .env(
                "GIT_AUTHOR_EMAIL",
                if self.n.is_multiple_of(2) {
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
    insta::assert_snapshot!(f.session(&[
        &["log", "--author", "sam", "--field", "title"],
        &["log", "--author", "nobody"],
    ]), @"
    $ backlog log --author sam --field title
    090f317  2026-11-10  Sam Dev  Retitle S-2
        S-2       title Two -> Two, renamed
    $ backlog log --author nobody
    no changes match
    ");
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
    insta::assert_snapshot!(f.run(&["log", "nope..HEAD"]), @r#"
    ------- stderr -------
    error: unknown revision `nope` (couldn't parse revision, input="nope")
    [exit status: 2]
    "#);
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
    // S-1 was deleted and re-added: its fields date from the re-adding.
    insta::assert_snapshot!(f.run(&["blame", "S-1"]), @"
    id           S-1    19d239e  2026-11-14  Sam Dev  Bring S-1 back
    title        One    19d239e  2026-11-14  Sam Dev  Bring S-1 back
    status       draft  19d239e  2026-11-14  Sam Dev  Bring S-1 back
    rank         10     19d239e  2026-11-14  Sam Dev  Bring S-1 back
    estimate     5      19d239e  2026-11-14  Sam Dev  Bring S-1 back
    ");
    insta::assert_snapshot!(f.run(&["blame", "S-99"]), @"
    ------- stderr -------
    error: no story has the id `S-99` at HEAD
      help: `backlog list` shows every story's id
    [exit status: 2]
    ");
}

#[test]
fn decisions_show_amendments() {
    let f = scripted();
    insta::assert_snapshot!(f.run(&["decisions"]), @"
    2026-S1
      * review decision: S-2 accepted (looks good)  553ec95  2026-11-16  Sam Dev
      * review decision on S-2 edited: accepted (looks good) -> rejected (totals wrong)  185c84d  2026-11-17  Pat Owner

    * amended after it was first recorded: the lines above show every version
    ");
    insta::assert_snapshot!(f.run(&["decisions", "2026-S9"]), @"no review decisions recorded");
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
    insta::assert_snapshot!(f.run(&["--at", "HEAD~10", "check"]), @"ok: 3 stories and 1 sprint checked, no problems");
    insta::assert_snapshot!(f.run(&["--at", "HEAD~10", "show", "S-3"]), @"
    S-3  Three
      kind:         story
      status:       draft
      rank:         30 (position 3 of 3)
      estimate:     none
      file:         .backlog/stories/S-3-three.md

    As a user, I want Three, so that it works

    Acceptance criteria (0 of 1 checked):
      [ ] It works
    ");
    insta::assert_snapshot!(f.run(&["--at", "does-not-exist", "list"]), @r#"
    ------- stderr -------
    error: unknown revision `does-not-exist` (couldn't parse revision, input="does-not-exist")
    [exit status: 2]
    "#);
    // A folder that is not in the revision.
    std::fs::write(f.root().join("README"), "x").unwrap();
    insta::assert_snapshot!(f.run(&["--at", "HEAD", "--dir", "elsewhere", "list"]), @"
    ------- stderr -------
    error: revision `HEAD` (185c84d) has no backlog folder at elsewhere
      help: check the revision, or name the folder with --dir PATH
    [exit status: 2]
    ");
    // A revision before the backlog existed.
    f.git(&["checkout", "-q", "--orphan", "empty"]);
    f.git(&["rm", "-rq", "--cached", "."]);
    f.git(&["commit", "-q", "--allow-empty", "-m", "Nothing yet"]);
    insta::assert_snapshot!(f.run(&["--at", "empty", "list"]), @"
    ------- stderr -------
    error: revision `empty` (88b8b6c) has no backlog folder at .backlog
      help: check the revision, or name the folder with --dir PATH
    [exit status: 2]
    ");
    // Writing commands refuse --at.
    insta::assert_snapshot!(f.run(&["--at", "HEAD", "rank", "S-1", "--top"]), @"
    ------- stderr -------
    error: --at reads a past revision; this command changes the working tree
      help: drop --at, or use a read command (check, list, show, score)
    [exit status: 2]
    ");
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
    insta::assert_snapshot!(f.session(&[&["log"], &["blame", "S-1"], &["decisions"], &["--at", "HEAD", "list"]]), @r#"
    $ backlog log
    ------- stderr -------
    error: not in a git repository (Could not find a git repository in "$ROOT" or in any of its parents)
      help: history commands and --at read git history; run them inside the repository
    [exit status: 2]
    $ backlog blame S-1
    ------- stderr -------
    error: not in a git repository (Could not find a git repository in "$ROOT" or in any of its parents)
      help: history commands and --at read git history; run them inside the repository
    [exit status: 2]
    $ backlog decisions
    ------- stderr -------
    error: not in a git repository (Could not find a git repository in "$ROOT" or in any of its parents)
      help: history commands and --at read git history; run them inside the repository
    [exit status: 2]
    $ backlog --at HEAD list
    ------- stderr -------
    error: not in a git repository (Could not find a git repository in "$ROOT" or in any of its parents)
      help: history commands and --at read git history; run them inside the repository
    [exit status: 2]
    "#);
}

#[test]
fn the_index_is_extended_and_never_trusted_blindly() {
    let f = scripted();
    let first = f.run(&["log", "--format", "json"]);
    let index = f.root().join(".git/backlog/history-v3-_backlog-first.json");
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
    // So is one with a line of events taken out (each line parses alone).
    let text = std::fs::read_to_string(&index).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 3, "a head, the commits, the events: {text}");
    std::fs::write(&index, lines[..lines.len() - 1].join("\n") + "\n").unwrap();
    assert_eq!(f.run(&["log", "--format", "json"]).stdout, fresh.stdout);
    // An index of the format before is removed when the index is rebuilt.
    let older = f.root().join(".git/backlog/history-v1-_backlog-first.json");
    std::fs::write(&older, "{}").unwrap();
    std::fs::remove_file(&index).unwrap();
    f.run(&["log", "--format", "json"]);
    assert!(!older.exists(), "the older index is left behind");
    // History rewritten under it (amend): the index is rebuilt.
    f.edit("stories/S-2-two.md", "rank: 50", "rank: 60");
    f.git(&["commit", "-q", "-a", "--amend", "-m", "Two goes very last"]);
    let r = f.run(&["log", "--format", "json"]);
    assert!(r.stdout.contains("\"summary\": \"Two goes very last\""));
    assert!(!r.stdout.contains("\"summary\": \"Two goes last\""));
}

/// The example backlog with three more commits (dates fixed by
/// `Fixture::git`, so commit ids are stable): S-22 re-prioritised and
/// started, the review of sprint 2026-S23 recorded, and one of its decisions
/// corrected afterwards.
fn example_with_history() -> Fixture {
    let f = Fixture::example();
    assert_eq!(f.run(&["rank", "S-22", "--before", "S-17"]).code, 0);
    assert_eq!(f.run(&["status", "S-22", "in-progress"]).code, 0);
    f.git(&[
        "commit",
        "-qam",
        "Import first: sales needs it for onboarding",
    ]);
    f.edit(
        "sprints/2026-S23.md",
        "capacity: 30\n",
        "capacity: 30\nreview:\n  date: 2026-12-04\n  decisions:\n    - { story: S-16, decision: accepted, note: Fees match the Stripe dashboard }\n    - { story: S-14, decision: rejected, note: Excel reads the dates as text, follow_up: S-15 }\n  feedback:\n    - { from: finance, note: wants the export split by VAT rate | and by month, story: S-15 }\n",
    );
    f.edit(
        &f.story("S-16"),
        "- [ ] Given a paid invoice",
        "- [x] Given a paid invoice",
    );
    f.edit(
        &f.story("S-16"),
        "- [ ] The monthly CSV export",
        "- [x] The monthly CSV export",
    );
    assert_eq!(f.run(&["status", "S-16", "done"]).code, 0);
    f.git(&["commit", "-qam", "Review of sprint 2026-S23"]);
    f.edit(
        "sprints/2026-S23.md",
        "note: Fees match the Stripe dashboard }",
        "note: Fees match the Stripe dashboard to the cent, amends: the first note left out the rounding check }",
    );
    f.git(&["commit", "-qam", "Correct the S-16 decision"]);
    f
}

/// `git log --format='%h %s'`: which commit each short id in a snapshot is.
fn short_log(f: &Fixture) -> String {
    let out = Command::new("git")
        .args(["log", "--format=%h %s"])
        .current_dir(f.root())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn blame_text_on_the_example() {
    let f = example_with_history();
    // The commit ids below are fixed by the commit dates of `Fixture::git`.
    insta::assert_snapshot!(short_log(&f), @"
    e2c0595 Correct the S-16 decision
    30fba81 Review of sprint 2026-S23
    1a6e012 Import first: sales needs it for onboarding
    910a7c3 Example backlog
    ");
    insta::assert_snapshot!(f.run(&["blame", "S-22"]), @"
    id           S-22                                      910a7c3  2026-11-20  Pat Owner  Example backlog
    title        Import customers from a CSV file          910a7c3  2026-11-20  Pat Owner  Example backlog
    kind         story                                     910a7c3  2026-11-20  Pat Owner  Example backlog
    status       in-progress                               1a6e012  2026-11-20  Pat Owner  Import first: sales needs it for onboarding
    rank         16                                        1a6e012  2026-11-20  Pat Owner  Import first: sales needs it for onboarding
    estimate     3                                         910a7c3  2026-11-20  Pat Owner  Example backlog
    goal         G-3                                       910a7c3  2026-11-20  Pat Owner  Example backlog
    labels       onboarding, import                        910a7c3  2026-11-20  Pat Owner  Example backlog
    stakeholders sales                                     910a7c3  2026-11-20  Pat Owner  Example backlog
    value        business: 8, job_size: 3, risk_reductio…  910a7c3  2026-11-20  Pat Owner  Example backlog
    created      2026-10-22                                910a7c3  2026-11-20  Pat Owner  Example backlog
    ");
    insta::assert_snapshot!(f.run(&["blame", "S-16"]), @"
    id           S-16                                      910a7c3  2026-11-20  Pat Owner  Example backlog
    title        Show payment fees per invoice             910a7c3  2026-11-20  Pat Owner  Example backlog
    kind         story                                     910a7c3  2026-11-20  Pat Owner  Example backlog
    status       done                                      30fba81  2026-11-20  Pat Owner  Review of sprint 2026-S23
    rank         13                                        910a7c3  2026-11-20  Pat Owner  Example backlog
    estimate     3                                         910a7c3  2026-11-20  Pat Owner  Example backlog
    epic         S-1                                       910a7c3  2026-11-20  Pat Owner  Example backlog
    goal         G-1                                       910a7c3  2026-11-20  Pat Owner  Example backlog
    labels       payments, dashboard                       910a7c3  2026-11-20  Pat Owner  Example backlog
    depends_on   S-8                                       910a7c3  2026-11-20  Pat Owner  Example backlog
    stakeholders finance                                   910a7c3  2026-11-20  Pat Owner  Example backlog
    value        business: 5, job_size: 3, risk_reductio…  910a7c3  2026-11-20  Pat Owner  Example backlog
    sprint       2026-S23                                  910a7c3  2026-11-20  Pat Owner  Example backlog
    created      2026-10-16                                910a7c3  2026-11-20  Pat Owner  Example backlog
    ");
}

#[test]
fn decisions_text_and_markdown_on_the_example() {
    let f = example_with_history();
    insta::assert_snapshot!(f.run(&["decisions"]), @"
    2026-S21
        review decision: S-3 accepted (Demoed with a real customer mailbox)  910a7c3  2026-11-20  Pat Owner
        review decision: S-4 accepted (Finance asked for the outstanding total; it is there)  910a7c3  2026-11-20  Pat Owner
        review decision: S-5 accepted (Connected the live account during the review)  910a7c3  2026-11-20  Pat Owner
        review decision: S-6 accepted (Verified by the bookkeeper who reported it)  910a7c3  2026-11-20  Pat Owner
        review decision: S-7 accepted (Recommendation taken; see S-10)  910a7c3  2026-11-20  Pat Owner
        feedback from finance: wants to see card fees per invoice -> S-16  910a7c3  2026-11-20  Pat Owner
        feedback from bookkeepers: rounding of VAT looks off on long invoices -> S-13  910a7c3  2026-11-20  Pat Owner

    2026-S22
        review decision: S-8 accepted (First real payment received during the review)  910a7c3  2026-11-20  Pat Owner
        review decision: S-9 accepted  910a7c3  2026-11-20  Pat Owner
        review decision: S-10 rejected (layout breaks on long invoices)  910a7c3  2026-11-20  Pat Owner
        review decision: S-11 accepted (Reminder wording approved by support)  910a7c3  2026-11-20  Pat Owner
        review decision: S-12 accepted  910a7c3  2026-11-20  Pat Owner
        review decision: S-13 accepted (Reconciled October to the cent)  910a7c3  2026-11-20  Pat Owner
        feedback from support: wants bulk export for auditors -> S-25  910a7c3  2026-11-20  Pat Owner
        feedback from finance: large customers ask to pay in instalments -> S-19  910a7c3  2026-11-20  Pat Owner
        feedback from customers: asked for a portal with all their invoices -> S-21  910a7c3  2026-11-20  Pat Owner

    2026-S23
      * review decision: S-16 accepted (Fees match the Stripe dashboard)  30fba81  2026-11-20  Pat Owner
        review decision: S-14 rejected (Excel reads the dates as text)  30fba81  2026-11-20  Pat Owner
        feedback from finance: wants the export split by VAT rate | and by month -> S-15  30fba81  2026-11-20  Pat Owner
      * review decision on S-16 edited: accepted (Fees match the Stripe dashboard) -> accepted (Fees match the Stripe dashboard to the cent)  e2c0595  2026-11-20  Pat Owner

    * amended after it was first recorded: the lines above show every version
    ");
    insta::assert_snapshot!(f.run(&["decisions", "2026-S23"]), @"
    2026-S23
      * review decision: S-16 accepted (Fees match the Stripe dashboard)  30fba81  2026-11-20  Pat Owner
        review decision: S-14 rejected (Excel reads the dates as text)  30fba81  2026-11-20  Pat Owner
        feedback from finance: wants the export split by VAT rate | and by month -> S-15  30fba81  2026-11-20  Pat Owner
      * review decision on S-16 edited: accepted (Fees match the Stripe dashboard) -> accepted (Fees match the Stripe dashboard to the cent)  e2c0595  2026-11-20  Pat Owner

    * amended after it was first recorded: the lines above show every version
    ");
    insta::assert_snapshot!(f.run(&["decisions", "--format", "md"]), @r"
    | Sprint | Decision | Commit | Date | Author |
    | --- | --- | --- | --- | --- |
    | 2026-S21 | review decision: S-3 accepted (Demoed with a real customer mailbox) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S21 | review decision: S-4 accepted (Finance asked for the outstanding total; it is there) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S21 | review decision: S-5 accepted (Connected the live account during the review) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S21 | review decision: S-6 accepted (Verified by the bookkeeper who reported it) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S21 | review decision: S-7 accepted (Recommendation taken; see S-10) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S21 | feedback from finance: wants to see card fees per invoice -> S-16 | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S21 | feedback from bookkeepers: rounding of VAT looks off on long invoices -> S-13 | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | review decision: S-8 accepted (First real payment received during the review) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | review decision: S-9 accepted | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | review decision: S-10 rejected (layout breaks on long invoices) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | review decision: S-11 accepted (Reminder wording approved by support) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | review decision: S-12 accepted | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | review decision: S-13 accepted (Reconciled October to the cent) | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | feedback from support: wants bulk export for auditors -> S-25 | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | feedback from finance: large customers ask to pay in instalments -> S-19 | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S22 | feedback from customers: asked for a portal with all their invoices -> S-21 | `910a7c3` | 2026-11-20 | Pat Owner |
    | 2026-S23 | review decision: S-16 accepted (Fees match the Stripe dashboard) (amended) | `30fba81` | 2026-11-20 | Pat Owner |
    | 2026-S23 | review decision: S-14 rejected (Excel reads the dates as text) | `30fba81` | 2026-11-20 | Pat Owner |
    | 2026-S23 | feedback from finance: wants the export split by VAT rate \| and by month -> S-15 | `30fba81` | 2026-11-20 | Pat Owner |
    | 2026-S23 | review decision on S-16 edited: accepted (Fees match the Stripe dashboard) -> accepted (Fees match the Stripe dashboard to the cent) (amended) | `e2c0595` | 2026-11-20 | Pat Owner |
    ");
}

/// History read from a repacked repository (long delta chains, full bases
/// with many deltas on them: blobs read by the delta-forest reader, the
/// folder's trees, large enough to be stored as deltas, by the chain
/// reader) is the same, byte for byte, as read from loose objects through
/// gix's lookup.
#[test]
fn packed_history_reads_as_loose_history_does() {
    let f = Fixture::empty();
    f.git(&["init", "-q", "-b", "main"]);
    f.write("backlog.yaml", CONFIG);
    let body: String = (0..200)
        .map(|n| format!("Line {n} of a long story body that git deltifies.\n"))
        .collect();
    for id in 1..=4 {
        let text = story(
            &format!("S-{id}"),
            "A long story",
            "draft",
            &format!("{id}0"),
            "",
        );
        f.write(&format!("stories/S-{id}-long.md"), format!("{text}{body}"));
    }
    for id in 5..=80 {
        let text = story(&format!("S-{id}"), "A short story", "draft", "", "");
        f.write(&format!("stories/S-{id}-short.md"), text);
    }
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-m", "Four long stories"]);
    for round in 1..=30 {
        let id = 1 + round % 4;
        let file = f.story(&format!("S-{id}"));
        let text = f.read(&file);
        let text = match text.contains("status: draft") {
            true => text.replacen("status: draft", "status: ready", 1),
            false => text.replacen("status: ready", "status: draft", 1),
        };
        f.write(&file, format!("{text}Round {round}.\n"));
        f.git(&["commit", "-q", "-a", "-m", &format!("Round {round}")]);
    }
    let loose = (
        f.run(&["log", "--format", "json"]),
        f.run(&["list", "--at", "HEAD~7"]),
    );
    assert_eq!(loose.0.code, 0, "{}", loose.0.stderr);
    f.git(&["repack", "-adfq", "--depth=50", "--window=250"]);
    std::fs::remove_dir_all(f.root().join(".git/backlog")).ok();
    let packed = (
        f.run(&["log", "--format", "json"]),
        f.run(&["list", "--at", "HEAD~7"]),
    );
    assert_eq!(packed.0.to_string(), loose.0.to_string());
    assert_eq!(packed.1.to_string(), loose.1.to_string());
    assert!(loose.0.stdout.contains("Round 30"));
}

/// `log ID` and `decisions` read from a warm index only the events about
/// what they show (the others' changes are not decoded): they print what
/// the history built anew prints, review decisions about the story
/// included. (`blame_text_on_the_example` reads `blame` from a warm index.)
#[test]
fn one_story_history_from_the_index_is_the_history_built_anew() {
    let f = example_with_history();
    let commands: &[&[&str]] = &[
        &["log", "S-16"],
        &["log", "S-14"],
        &["log", "2026-S23"],
        &["decisions", "2026-S23"],
    ];
    f.run(&["log"]);
    let warm = f.session(commands);
    std::fs::remove_dir_all(f.root().join(".git/backlog")).unwrap();
    let mut built = String::new();
    for args in commands {
        std::fs::remove_dir_all(f.root().join(".git/backlog")).ok();
        built.push_str(&f.session(&[args]));
    }
    assert_eq!(warm, built);
    insta::assert_snapshot!(warm, @r#"
    $ backlog log S-16
    e2c0595  2026-11-20  Pat Owner  Correct the S-16 decision
        2026-S23  review decision on S-16 edited: accepted (Fees match the Stripe dashboard) -> accepted (Fees match the Stripe dashboard to the cent)

    30fba81  2026-11-20  Pat Owner  Review of sprint 2026-S23
        2026-S23  review decision: S-16 accepted (Fees match the Stripe dashboard)
        S-16      status review -> done
        S-16      criterion checked: Given a paid invoice, then its page shows the amount paid, the fee and the net payout
        S-16      criterion checked: The monthly CSV export has a fee column

    910a7c3  2026-11-20  Pat Owner  Example backlog
        S-16      added "Show payment fees per invoice" at position 17
    $ backlog log S-14
    30fba81  2026-11-20  Pat Owner  Review of sprint 2026-S23
        2026-S23  review decision: S-14 rejected (Excel reads the dates as text)

    910a7c3  2026-11-20  Pat Owner  Example backlog
        S-14      added "Export a month of invoices as CSV" at position 15
    $ backlog log 2026-S23
    e2c0595  2026-11-20  Pat Owner  Correct the S-16 decision
        2026-S23  review decision on S-16 edited: accepted (Fees match the Stripe dashboard) -> accepted (Fees match the Stripe dashboard to the cent)

    30fba81  2026-11-20  Pat Owner  Review of sprint 2026-S23
        2026-S23  review decision: S-16 accepted (Fees match the Stripe dashboard)
        2026-S23  review decision: S-14 rejected (Excel reads the dates as text)
        2026-S23  feedback from finance: wants the export split by VAT rate | and by month -> S-15

    910a7c3  2026-11-20  Pat Owner  Example backlog
        2026-S23  sprint created (Bookkeepers can export a month in one click)
        2026-S23  sprint started on 2026-11-23: committed 24 points in 5 stories (S-10, S-24, S-14, S-15, S-16)
    $ backlog decisions 2026-S23
    2026-S23
      * review decision: S-16 accepted (Fees match the Stripe dashboard)  30fba81  2026-11-20  Pat Owner
        review decision: S-14 rejected (Excel reads the dates as text)  30fba81  2026-11-20  Pat Owner
        feedback from finance: wants the export split by VAT rate | and by month -> S-15  30fba81  2026-11-20  Pat Owner
      * review decision on S-16 edited: accepted (Fees match the Stripe dashboard) -> accepted (Fees match the Stripe dashboard to the cent)  e2c0595  2026-11-20  Pat Owner

    * amended after it was first recorded: the lines above show every version
    "#);
}

/// In a project's repository most commits change code alone: they are not
/// read for `log`, and each change still names the commit that made it,
/// read whole, from a fresh build and from an index extended over code
/// commits.
#[test]
fn code_commits_between_backlog_commits_do_not_shift_the_log() {
    let f = Fixture::empty();
    f.git(&["init", "-q", "-b", "main"]);
    let mut s = Script { f: &f, n: 0 };
    let code = |n: u32| {
        let dir = f.root().join("src");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("lib.rs"), format!("pub const N: u32 = {n};\n")).unwrap();
    };
    f.write("backlog.yaml", CONFIG);
    f.write("stories/S-1-one.md", story("S-1", "One", "draft", "10", ""));
    f.write("stories/S-2-two.md", story("S-2", "Two", "draft", "20", ""));
    s.commit("Initial backlog");
    for n in 1..=3 {
        code(n);
        s.commit(&format!("Code change {n}"));
    }
    f.edit("stories/S-2-two.md", "rank: 20", "rank: 5");
    s.commit("Two comes first\n\nThe customers asked for it.");
    code(4);
    s.commit("Code change 4");
    f.run(&["log"]);
    code(5);
    s.commit("Code change 5");
    f.edit("stories/S-1-one.md", "status: draft", "status: ready");
    s.commit("One is ready");
    code(6);
    s.commit("Code change 6");
    let extended = f.run(&["log", "--format", "json"]);
    let extended_text = f.run(&["log"]);
    std::fs::remove_dir_all(f.root().join(".git/backlog")).unwrap();
    let fresh = f.run(&["log", "--format", "json"]);
    assert_eq!(extended.to_string(), fresh.to_string());
    let fresh_text = f.run(&["log"]);
    assert_eq!((fresh_text.code, fresh_text.stderr.as_str()), (0, ""));
    assert_eq!(extended_text.to_string(), fresh_text.to_string());
    let redacted: Vec<String> = fresh_text
        .stdout
        .lines()
        .map(|l| match l.starts_with(' ') || l.len() <= 7 {
            true => l.to_string(),
            false => format!("<id>{}", &l[7..]),
        })
        .collect();
    insta::assert_snapshot!(redacted.join("\n"), @r#"
    <id>  2026-11-08  Sam Dev  One is ready
        S-1       status draft -> ready

    <id>  2026-11-05  Pat Owner  Two comes first
        S-2       rank 20 -> 5 (position 2 -> 1)

    <id>  2026-11-01  Pat Owner  Initial backlog
        S-1       added "One" at position 1
        S-2       added "Two" at position 2
    "#);
    // The JSON names each commit by its id as git has it, with its date,
    // author and summary.
    let revs = ["HEAD~1", "HEAD~4", "HEAD~8"];
    let ids = f.git_stdout(&[&["rev-parse"][..], &revs].concat());
    let mut json = fresh.stdout.clone();
    for (rev, id) in revs.iter().zip(ids.lines()) {
        json = json.replace(id, &format!("<{rev}>"));
    }
    let events: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let lines: Vec<String> = events
        .iter()
        .map(|e| {
            let field = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            let (subject, change) = (&e["subject"]["id"], &e["change"]["type"]);
            let commit = [
                field("commit"),
                field("date"),
                field("author"),
                field("email"),
            ];
            format!(
                "{} {}: {subject} {change}",
                commit.join(" "),
                field("summary")
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"), @r#"
    <HEAD~1> 2026-11-08 Sam Dev sam@example.com One is ready: "S-1" "field"
    <HEAD~4> 2026-11-05 Pat Owner pat@example.com Two comes first: "S-2" "rank"
    <HEAD~8> 2026-11-01 Pat Owner pat@example.com Initial backlog: "S-1" "story_added"
    <HEAD~8> 2026-11-01 Pat Owner pat@example.com Initial backlog: "S-2" "story_added"
    "#);
}

/// A repository on `main` whose one commit, "Initial backlog", holds the
/// configuration and these story files (path in the backlog folder, text).
fn initial_backlog<P: AsRef<str>>(stories: impl IntoIterator<Item = (P, String)>) -> Fixture {
    let f = Fixture::empty();
    f.git(&["init", "-q", "-b", "main"]);
    f.write("backlog.yaml", CONFIG);
    for (path, text) in stories {
        f.write(path.as_ref(), text);
    }
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-m", "Initial backlog"]);
    f
}

/// A commit outside what `log` shows (it changes code only) whose author
/// line git cannot read is never read whole: the log is the same whatever
/// the number of threads (it failed or not by where the commit fell among
/// the threads' runs).
#[test]
fn an_unreadable_code_commit_ends_no_log_whatever_the_threads() {
    let f = initial_backlog([("stories/S-1-one.md", story("S-1", "One", "draft", "10", ""))]);
    let code = |n: u32| {
        std::fs::write(f.root().join("code.txt"), format!("{n}\n")).unwrap();
        f.git(&["add", "-A"]);
        f.git(&["commit", "-q", "-m", &format!("Code change {n}")]);
    };
    (1..=20).for_each(code);
    std::fs::write(f.root().join("code.txt"), "broken\n").unwrap();
    f.git(&["add", "-A"]);
    let text = format!(
        "tree {}\nparent {}\nauthor Pat Owner <pat@example.com>\ncommitter Pat Owner <pat@example.com> 1795165200 +0000\n\nNo author date\n",
        f.git_stdout(&["write-tree"]),
        f.git_stdout(&["rev-parse", "HEAD"]),
    );
    let path = f.root().join("broken-commit");
    std::fs::write(&path, text).unwrap();
    let broken = f.git_stdout(&[
        "hash-object",
        "-t",
        "commit",
        "-w",
        "--literally",
        "broken-commit",
    ]);
    std::fs::remove_file(&path).unwrap();
    f.git(&["update-ref", "refs/heads/main", &broken]);
    (21..=40).for_each(code);
    f.edit("stories/S-1-one.md", "rank: 10", "rank: 5");
    f.git(&["commit", "-q", "-a", "-m", "One moves up"]);
    let mut runs = Vec::new();
    for threads in ["1", "2", "3", "8"] {
        std::fs::remove_dir_all(f.root().join(".git/backlog")).ok();
        let r = f.run_env(&[("RAYON_NUM_THREADS", threads)], &["log"]);
        runs.push(r.to_string());
    }
    assert!(runs.iter().all(|r| *r == runs[0]), "{runs:#?}");
    insta::assert_snapshot!(runs[0].replace(&f.git_stdout(&["rev-parse", "--short=7", "HEAD"]), "<HEAD>").replace(&f.git_stdout(&["rev-parse", "--short=7", "HEAD~42"]), "<ROOT>"), @r#"
    <HEAD>  2026-11-20  Pat Owner  One moves up
        S-1       rank 10 -> 5 (position 1 -> 1)

    <ROOT>  2026-11-20  Pat Owner  Initial backlog
        S-1       added "One" at position 1
    "#);
}

/// Walking every parent, an index extended over a merge of a branch that
/// started before the index's tip counts every story of that branch's
/// backlog in its positions, as a history built anew does (the stories
/// of a state read from git were left out of the order, and each story
/// not counted put positions on the branch one place lower: 5 -> 2 here).
#[test]
fn an_all_parents_index_extended_over_an_older_branch_has_the_positions_built_anew() {
    let f = initial_backlog((1..=6).map(|n| {
        let (id, rank) = (format!("S-{n}"), format!("{n}0"));
        let text = story(&id, "Story", "draft", &rank, "");
        (format!("stories/{id}-s.md"), text)
    }));
    f.git(&["branch", "topic"]);
    f.edit("stories/S-2-s.md", "rank: 20", "rank: 22");
    f.git(&["commit", "-q", "-a", "-m", "Two a little later"]);
    f.run(&["log", "--all-parents"]);
    f.write("stories/S-7-s.md", story("S-7", "Story", "draft", "5", ""));
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-m", "Seven first"]);
    f.git(&["checkout", "-q", "topic"]);
    f.edit("stories/S-6-s.md", "rank: 60", "rank: 25");
    f.git(&["commit", "-q", "-a", "-m", "Six before three"]);
    f.git(&["checkout", "-q", "main"]);
    f.git(&["merge", "-q", "--no-ff", "topic", "-m", "Merge topic"]);
    let extended = f.run(&["log", "--all-parents", "--format", "json"]);
    std::fs::remove_dir_all(f.root().join(".git/backlog")).unwrap();
    let fresh = f.run(&["log", "--all-parents", "--format", "json"]);
    assert_eq!(extended.to_string(), fresh.to_string());
    let moved = f.run(&["log", "S-6", "--all-parents"]);
    insta::assert_snapshot!(moved.to_string().lines().filter(|l| l.starts_with("    ")).collect::<Vec<_>>().join("\n"), @r#"
    S-6       rank 60 -> 25 (position 6 -> 3)
    S-6       added "Story" at position 6
    "#);
}
