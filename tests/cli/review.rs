//! Pull-request review: `diff` between revisions and the working tree, and
//! `check --since` with the rules that need the base.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use crate::common::Fixture;

/// The example on `main`, with sprint 2026-S23 running whatever today is,
/// and a branch `feature` that re-prioritises, adds, removes, re-scopes and
/// records a review.
fn pull_request() -> Fixture {
    let f = Fixture::example();
    f.edit("sprints/2026-S23.md", "end: 2026-12-04", "end: 2999-12-31");
    f.git(&["commit", "-qam", "Sprint 23 runs on"]);
    f.git(&["checkout", "-q", "-b", "feature"]);
    // Re-prioritise: S-22 before S-17 (one line).
    assert_eq!(f.run(&["rank", "S-22", "--before", "S-17"]).code, 0);
    // A new story, a removed idea, a field change and a statement edit.
    // The new story's `created:` is a pinned day, so commit ids do not
    // depend on the day the test runs.
    assert_eq!(
        f.run_env(
            &[("BACKLOG_TODAY", "2026-11-25")],
            &[
                "new",
                "Bulk export as ZIP",
                "--as",
                "support agent",
                "--want",
                "to get one ZIP of PDFs",
                "--so-that",
                "auditors get everything at once",
                "--after",
                "S-31"
            ]
        )
        .code,
        0
    );
    std::fs::remove_file(f.backlog().join(f.story("S-29"))).unwrap();
    assert_eq!(f.run(&["set", "S-27", "estimate=8"]).code, 0);
    f.edit(
        &f.story("S-27"),
        "so that nobody can",
        "so that no stranger can",
    );
    // Re-scope the running sprint: pull S-31 in (2 points).
    assert_eq!(f.run(&["set", "S-31", "sprint=2026-S23"]).code, 0);
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "Refine the backlog for the next review"]);
    f
}

#[test]
fn pr_comment_reads_well() {
    let f = pull_request();
    let r = f.run(&["diff", "main..feature", "--format", "md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn moves_are_only_what_the_author_moved() {
    let f = pull_request();
    let r = f.run(&["diff", "main..feature", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let moved: Vec<&str> = v["moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(moved, ["S-22"]);
    assert_eq!(v["moved"][0]["old_position"], 21);
    assert_eq!(v["moved"][0]["new_position"], 18);
    assert_eq!(v["moved"][0]["after"], "S-16");
    assert_eq!(v["moved"][0]["before"], "S-17");
    // S-33 added at 21 and S-29 removed from the end shift 13 stories by one.
    assert_eq!(v["shifted"], 13);
    assert_eq!(v["added"][0]["id"], "S-33");
    assert_eq!(v["removed"][0]["id"], "S-29");
    assert_eq!(v["scope"][0]["sprint"], "2026-S23");
    assert_eq!(v["scope"][0]["running"], true);
    assert_eq!(v["scope"][0]["old_points"], 24.0);
    assert_eq!(v["scope"][0]["new_points"], 26.0);
    assert_eq!(v["scope"][0]["added"], serde_json::json!(["S-31"]));
    let s27 = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "S-27")
        .unwrap();
    assert_eq!(
        s27["changes"][0],
        serde_json::json!({"type": "field", "field": "estimate", "old": "5", "new": "8"})
    );
    assert!(
        s27["statement"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == &serde_json::json!({"op": "added", "text": "no stranger"})),
        "{}",
        s27["statement"]
    );
}

#[test]
fn text_output_and_colour() {
    let f = pull_request();
    let r = f.run(&["diff", "main..feature"]);
    insta::assert_snapshot!(r.stdout);
    assert!(!r.stdout.contains('\x1b'));
    let r = f.run(&["diff", "main..feature", "--color", "always"]);
    assert!(r.stdout.contains("\x1b[32m+\x1b[0m"));
}

#[test]
fn default_base_is_the_merge_base_and_the_working_tree_is_the_new_side() {
    let f = pull_request();
    // An uncommitted edit on top of the branch shows up too.
    assert_eq!(f.run(&["status", "S-16", "done", "--force"]).code, 0);
    // main moves on after the branch was cut: not part of this branch's diff.
    f.git(&["checkout", "-q", "main"]);
    f.git(&["stash", "-q"]);
    assert_eq!(f.run(&["set", "S-20", "estimate=21"]).code, 0);
    f.git(&["commit", "-qam", "Meanwhile on main"]);
    f.git(&["checkout", "-q", "feature"]);
    f.git(&["stash", "pop", "-q"]);
    let r = f.run(&["diff", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["base"], "merge-base(main, HEAD)");
    assert_eq!(v["head"], "working tree");
    let changed: Vec<&str> = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(changed.contains(&"S-16"), "{changed:?}");
    assert!(!changed.contains(&"S-20"), "{changed:?}");
}

#[test]
fn diff_bad_input() {
    let f = pull_request();
    insta::assert_snapshot!(f.run(&["diff", "nope..feature"]), @r#"
    ------- stderr -------
    error: unknown revision `nope` (couldn't parse revision, input="nope")
    [exit status: 2]
    "#);
    // Unrelated histories: no merge base.
    f.git(&["checkout", "-q", "--orphan", "island"]);
    f.git(&["commit", "-qm", "Unrelated"]);
    insta::assert_snapshot!(f.run(&["diff", "main...island"]), @"
    ------- stderr -------
    error: 071639f and 939eaf5 have no common ancestor
      help: give the base explicitly: `BASE..HEAD`
    [exit status: 2]
    ");
    f.git(&["checkout", "-q", "feature"]);
}

#[test]
fn base_without_a_backlog_has_everything_added() {
    let f = Fixture::empty();
    f.git(&["init", "-q", "-b", "main"]);
    std::fs::write(f.root().join("README"), "app").unwrap();
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "Before the backlog"]);
    assert_eq!(f.run(&["init"]).code, 0);
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "Start a backlog"]);
    insta::assert_snapshot!(f.run(&["diff", "HEAD~1..HEAD"]), @"
    backlog diff HEAD~1..HEAD: 1 added, 6 settings changed

    Added
      + S-1  Sign up with an email address  (position 1)

    Configuration (backlog.yaml)
      product: none -> My product
      vision: none -> One or two sentences on who the product is for and why it matters.
      goal G-1: none -> First customers use the product every week (active)
      definition_of_done: none -> Code reviewed, tests pass in CI, acceptance criteria checked, released to production.
      wip_limits: none -> in-progress: 3
      scoring: none -> wsjf = (business + time_criticality + risk_reduction) / job_size
    ");
}

#[test]
fn base_files_that_do_not_parse_are_reported_and_the_rest_diffed() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-28"),
        "title: Audit log of invoice changes",
        "title: [broken",
    );
    f.git(&["commit", "-qam", "Break S-28"]);
    f.edit(
        &f.story("S-28"),
        "title: [broken",
        "title: Audit log of invoice changes",
    );
    assert_eq!(f.run(&["rank", "S-22", "--top"]).code, 0);
    insta::assert_snapshot!(f.run(&["diff", "HEAD"]), @"
    backlog diff HEAD..working tree: 1 added, 1 moved (19 other stories shifted)

    note: 1 file in HEAD does not parse and is left out:
      .backlog/stories/S-28-audit-log-of-invoice-changes.md:4:5: invalid YAML: did not find expected ',' or ']'

    Added
      + S-28  Audit log of invoice changes  (position 28)

    Moved
      S-22  Import customers from a CSV file  21 -> 6 (up), rank 22 -> 4.7, now between S-7 and S-1
    ");
}

#[test]
fn textconv_shows_a_story_in_product_terms() {
    let f = Fixture::example();
    let path = f.backlog().join(f.story("S-15"));
    let r = f.run(&["diff", "--textconv", path.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
    // Wired into git, `git diff` shows the change in those terms.
    std::fs::write(
        f.root().join(".gitattributes"),
        ".backlog/**/*.md diff=backlog\n",
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("backlog");
    f.git(&[
        "config",
        "diff.backlog.textconv",
        &format!("'{}' diff --textconv", bin.display()),
    ]);
    f.edit(&f.story("S-15"), "status: ready", "status: in-progress");
    let out = Command::new("git")
        .args(["diff", "--", ".backlog"])
        .current_dir(f.root())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("-status: ready\n+status: in-progress\n"),
        "{text}"
    );
}

fn since(f: &Fixture, base: &str) -> crate::common::Run {
    f.run(&["check", "--since", base])
}

#[test]
fn since_clean_pull_request_passes() {
    let f = pull_request();
    insta::assert_snapshot!(since(&f, "main"), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn since_decisions_are_append_only() {
    let f = pull_request();
    f.edit(
        "sprints/2026-S22.md",
        "{ story: S-8, decision: accepted, note: First real payment received during the review }",
        "{ story: S-8, decision: accepted, note: Paid }",
    );
    f.edit(
        "sprints/2026-S21.md",
        "    - { story: S-7, decision: accepted, note: Recommendation taken; see S-10 }\n",
        "",
    );
    let r = since(&f, "main");
    assert_eq!(r.code, 1);
    insta::assert_snapshot!(r.stdout);
    // An intentional correction, with an amends note, is accepted.
    f.edit(
        "sprints/2026-S22.md",
        "{ story: S-8, decision: accepted, note: Paid }",
        "{ story: S-8, decision: accepted, note: Paid, amends: shorter note agreed with finance }",
    );
    insta::assert_snapshot!(since(&f, "main"), @"
    error[B080]: the review decision on `S-7` in `2026-S21` was deleted (it was `accepted`); recorded decisions are append-only
     --> .backlog/sprints/2026-S21.md:9:3
      |
    9 |   decisions:
      |   ^^^^^^^^^^
      = help: restore it, and record the correction as a new entry with a reason: `- { story: S-7, decision: …, amends: <why> }`

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
}

#[test]
fn since_reopened_removed_overfull_and_reused() {
    let f = pull_request();
    // S-12 was done: reopened without a note.
    f.edit(&f.story("S-12"), "status: done", "status: in-progress");
    // S-24 is in the running sprint: deleted.
    std::fs::remove_file(f.backlog().join(f.story("S-24"))).unwrap();
    // Scope added beyond capacity (30): S-17 (8) into the running sprint.
    assert_eq!(
        f.run(&["set", "S-17", "sprint=2026-S23", "--force"]).code,
        0
    );
    // S-23 now names another story.
    let s23 = f.story("S-23");
    std::fs::remove_file(f.backlog().join(&s23)).unwrap();
    f.write(
        "stories/S-23-mobile-app.md",
        "---\nid: S-23\ntitle: Mobile app\nstatus: idea\nrank: 90\ncreated: 2026-11-24\n---\n",
    );
    let r = f.run(&["check", "--since", "main", "--format", "json"]);
    assert_eq!(r.code, 1);
    let codes = crate::common::finding_codes(&r.stdout);
    for code in ["B081", "B082", "B083", "B084"] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} missing: {}",
            r.stdout
        );
    }
    let r = f.run(&["check", "--since", "main"]);
    insta::assert_snapshot!(r.stdout);
    // A note makes the reopening explicit.
    f.edit(
        &f.story("S-12"),
        "status: in-progress",
        "status: in-progress\nreopened: partial refunds fail for card payments",
    );
    insta::assert_snapshot!(f.run(&["check", "--since", "main"]), @r#"
    error[B030]: follow-up story `S-24` does not exist
      --> .backlog/sprints/2026-S22.md:13:91
       |
    13 |     - { story: S-10, decision: rejected, note: layout breaks on long invoices, follow_up: S-24 }
       |                                                                                           ^^^^
       = help: create the follow-up story first, then name its id

    error[B063]: `S-12` was accepted but its status is `in-progress`
      --> .backlog/sprints/2026-S22.md:15:32
       |
    15 |     - { story: S-12, decision: accepted }
       |                                ^^^^^^^^
       = help: set `status:` to done or dropped in .backlog/stories/S-12-refund-a-card-payment.md; if the acceptance was a mistake, add a new entry `- { story: S-12, decision: rejected, amends: <why> }` (recorded decisions are never rewritten)

    error[B082]: `S-24` ("Long invoices break the PDF table layout") was deleted while it is planned into the running sprint `2026-S23`
     --> .backlog/sprints/2026-S23.md:2:5
      |
    2 | id: 2026-S23
      |     ^^^^^^^^
      = help: take it out of the sprint at the review (`status: dropped` keeps the record), instead of deleting the file

    error[B060]: sprint `2026-S23` plans 31 points, over its capacity of 30
     --> .backlog/sprints/2026-S23.md:6:11
      |
    6 | capacity: 30
      |           ^^
      = help: move stories out of the sprint (`sprint:` field), or raise the capacity if the team agreed to

    error[B083]: scope added to the running sprint `2026-S23`: 24 -> 31 points, over its capacity of 30
     --> .backlog/sprints/2026-S23.md:6:11
      |
    6 | capacity: 30
      |           ^^
      = help: agree the change with the team and take other work out, or plan it into the next sprint

    error[B084]: id `S-23` was "Onboarding checklist" in the base and is now "Mobile app"
     --> .backlog/stories/S-23-mobile-app.md:2:5
      |
    2 | id: S-23
      |     ^^^^
      = help: ids are identities in the audit trail: give the new story the next free id (`backlog new`)

    failed: 6 errors, 0 warnings in 31 stories and 3 sprints
    [exit status: 1]
    "#);
}

#[test]
fn since_unknown_base_is_a_usage_error() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.run(&["check", "--since", "origin/nope"]), @r#"
    ------- stderr -------
    error: unknown revision `origin/nope` (couldn't parse revision, input="origin/nope")
    [exit status: 2]
    "#);
}

#[test]
fn pre_commit_hook_from_docs_blocks_a_broken_commit() {
    let f = Fixture::example();
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"),
    )
    .unwrap();
    let hook = docs
        .split("```sh\n#!/bin/sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("backlog");
    let hook = format!(
        "#!/bin/sh\nPATH=\"{}:$PATH\"\n{hook}",
        bin.parent().unwrap().display()
    );
    let path = f.root().join(".git/hooks/pre-commit");
    std::fs::write(&path, hook).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    f.edit(&f.story("S-14"), "status: in-progress", "status: doing");
    f.git(&["add", "-A"]);
    let out = Command::new("git")
        .args(["commit", "-qm", "broken"])
        .current_dir(f.root())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "a")
        .env("GIT_AUTHOR_EMAIL", "a@b")
        .env("GIT_COMMITTER_NAME", "a")
        .env("GIT_COMMITTER_EMAIL", "a@b")
        .output()
        .unwrap();
    let said = crate::common::Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    };
    // git's own exit status: the hook stopped the commit.
    insta::assert_snapshot!(said.redact(f.root()), @"
    ------- stderr -------
    error[B023]: status `doing` is not in the workflow
     --> .backlog/stories/S-14-export-a-month-of-invoices-as-csv.md:5:9
      |
    5 | status: doing
      |         ^^^^^
      = help: the workflow's statuses are: idea, draft, ready, in-progress, review, done, dropped

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
    f.edit(&f.story("S-14"), "status: doing", "status: review");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "fixed"]);
}

#[test]
fn shallow_clones_say_how_to_fetch_more() {
    let f = pull_request();
    let clone = Fixture::empty();
    let url = format!("file://{}", f.root().display());
    let status = Command::new("git")
        .args([
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, ".",
        ])
        .current_dir(clone.root())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
    insta::assert_snapshot!(clone.run(&["diff", "HEAD~1..HEAD"]), @r#"
    ------- stderr -------
    error: unknown revision `HEAD~1` (delegate.traverse(NthAncestor(1)) failed, input="~1")
      help: this is a shallow clone: fetch the history with `git fetch --unshallow` (in CI, check out with `fetch-depth: 0`)
    [exit status: 2]
    "#);
    insta::assert_snapshot!(clone.run(&["--at", "HEAD~2", "list"]), @r#"
    ------- stderr -------
    error: unknown revision `HEAD~2` (delegate.traverse(NthAncestor(2)) failed, input="~2")
      help: this is a shallow clone: fetch the history with `git fetch --unshallow` (in CI, check out with `fetch-depth: 0`)
    [exit status: 2]
    "#);
    insta::assert_snapshot!(clone.run(&["check", "--since", "HEAD~1"]), @r#"
    ------- stderr -------
    error: unknown revision `HEAD~1` (delegate.traverse(NthAncestor(1)) failed, input="~1")
      help: this is a shallow clone: fetch the history with `git fetch --unshallow` (in CI, check out with `fetch-depth: 0`)
    [exit status: 2]
    "#);
    // What is there can still be read.
    insta::assert_snapshot!(clone.run(&["--at", "HEAD", "check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn ci_recipes_are_valid_yaml_and_call_real_commands() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"),
    )
    .unwrap();
    let blocks: Vec<&str> = docs
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(
        blocks.len(),
        3,
        "GitHub Actions, code scanning and GitLab CI recipes"
    );
    for b in &blocks {
        let v: Result<serde_json::Value, _> = serde_yaml_check(b);
        assert!(v.is_ok(), "invalid YAML in docs/ci.md: {v:?}\n{b}");
    }
    // Every `backlog …` command line in any code block uses a real
    // subcommand, real options and, where it names one, a possible value.
    let mut help = Help::default();
    let found = invocations(&docs, &subcommands(help.of(None)));
    let subcommands: BTreeSet<&str> = found.iter().map(|i| i.subcommand.as_str()).collect();
    assert_eq!(subcommands, BTreeSet::from(["check", "diff"]), "{found:#?}");
    let options: BTreeSet<&str> = found
        .iter()
        .flat_map(|i| i.options.iter().map(|(o, _)| o.as_str()))
        .collect();
    assert_eq!(
        options,
        BTreeSet::from(["--format", "--since", "--textconv"]),
        "{found:#?}"
    );
    let problems = command_problems(&docs, &mut help);
    assert!(
        problems.is_empty(),
        "docs/ci.md calls backlog with what it does not have:\n{}",
        problems.join("\n")
    );
}

#[test]
fn doc_command_check_finds_what_does_not_exist() {
    // The real recipes with one bogus flag slipped in.
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"),
    )
    .unwrap();
    let broken = docs.replacen(
        "backlog check --format github",
        "backlog check --no-such-flag --format github",
        1,
    );
    assert_ne!(broken, docs);
    let mut help = Help::default();
    let problems = command_problems(&broken, &mut help);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].ends_with("`backlog check` has no option --no-such-flag"),
        "{problems:?}"
    );
    // Each kind of mistake, wherever it hides.
    let docs = r#"Text with backlog check --nope outside a code block.

```sh
# backlog: a comment, and backlog check --in-a-comment
backlog check --no-such-flag --format json
backlog --dir plan --colour never list --format csv
backlog chek --since main
```

```yaml
- run: backlog diff origin/main...HEAD --format pdf > out.md
- run: backlog check ${{ github.base_ref && format('--sinse origin/{0}', github.base_ref) || '' }}
- run: backlog check || echo --not-backlogs
```
"#;
    insta::assert_snapshot!(command_problems(docs, &mut help).join("\n"), @"
    line 5: `backlog check` has no option --no-such-flag
    line 6: `backlog list` has no option --colour
    line 7: `chek` is not a backlog command
    line 11: `backlog diff --format` takes text, md, json, not pdf
    line 12: `backlog check` has no option --sinse
    ");
}

#[test]
fn help_options_are_read_from_the_option_entries() {
    let mut help = Help::default();
    let show = |options: BTreeMap<String, Vec<String>>| {
        options
            .iter()
            .map(|(name, values)| {
                format!("{name} {}", values.join(","))
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    // `--edit`, `--by` and `--rebalance` are mentioned in the command list
    // of `backlog --help`, but are not options of it.
    insta::assert_snapshot!(show(options_in_help(help.of(None))), @"
    --at
    --color auto,always,never
    --dir
    --help
    --version
    ");
    insta::assert_snapshot!(show(options_in_help(help.of(Some("check")))), @"
    --at
    --color auto,always,never
    --dir
    --format human,json,github,sarif,gitlab
    --help
    --since
    --version
    ");
}

#[test]
fn doc_commands_are_found_in_every_shell_shape() {
    let docs = r#"```yaml
name: backlog
backlog:
  script:
    - run: backlog check --format github ${{ github.base_ref && format('--since origin/{0}', github.base_ref) || '' }}
    - backlog check ${CI_MERGE_REQUEST_TARGET_BRANCH_NAME:+--since origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME}
    - if [ -n "$X" ]; then backlog diff origin/$X...HEAD --format md; fi
    - backlog check --format json > backlog-check.json || status=$?
    - backlog new 'Bulk export; as ZIP' --as "support agent" --estimate 3 && backlog list
    - cargo install --path .backlog-tool   # backlog list --not-this
```

```sh
git config diff.backlog.textconv "backlog diff --textconv"
backlog --at=HEAD~1 --color never list --format=csv
```
"#;
    let known = ["check", "diff", "list", "new"].map(String::from);
    let found: Vec<String> = invocations(docs, &known)
        .iter()
        .map(|i| i.to_string())
        .collect();
    insta::assert_snapshot!(found.join("\n"), @"
    5: check --format github --since
    6: check --since
    7: diff --format md
    8: check --format json
    9: new --as --estimate
    9: list
    14: diff --textconv
    15: list --at --color never --format csv
    ");
}

/// One `backlog …` command line in a code block of a document.
#[derive(Debug)]
struct Invocation {
    /// 1-based line in the document.
    line: usize,
    subcommand: String,
    /// Each `--option`, with the word after it (or after `=`) if that is a
    /// plain value rather than a path, revision or shell expansion.
    options: Vec<(String, Option<String>)>,
}

impl std::fmt::Display for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.line, self.subcommand)?;
        for (option, value) in &self.options {
            write!(f, " {option}")?;
            if let Some(value) = value {
                write!(f, " {value}")?;
            }
        }
        Ok(())
    }
}

/// The commands of the tool, from `backlog --help`.
fn subcommands(top_level_help: &str) -> Vec<String> {
    top_level_help
        .split("Commands:\n")
        .nth(1)
        .unwrap_or("")
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Every `backlog …` invocation in the fenced code blocks of `docs`. The
/// subcommand is the first word that is one of `known`, else the first word
/// that is neither an option nor a global option's value; global options
/// before it (`--dir PATH`, `--at=REV`, …) are kept with the others. A
/// command ends at a shell separator (`;`, `|`, `&`, a redirection) outside
/// quotes, `${…}` and `${{ … }}`, so that options inside a CI expression
/// count, or at the quote that opened it; comments are left out.
fn invocations(docs: &str, known: &[String]) -> Vec<Invocation> {
    let mut found = Vec::new();
    let mut in_code = false;
    for (n, line) in docs.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            continue;
        }
        let line = strip_comment(line);
        let mut from = 0;
        while let Some(at) = line[from..].find("backlog ").map(|i| i + from) {
            from = at + "backlog ".len();
            let before = line[..at].chars().next_back();
            if before.is_some_and(|c| !(c.is_whitespace() || "\"'`;|&(".contains(c))) {
                continue; // `.backlog/…`, `diff=backlog`, `diff.backlog.textconv`
            }
            let opened_by = before.filter(|c| *c == '"' || *c == '\'');
            let command = one_command(&line[from..], opened_by);
            let words: Vec<&str> = command.split_whitespace().collect();
            let mut subcommand = words
                .iter()
                .find(|w| known.iter().any(|k| k == *w))
                .map(|w| w.to_string());
            let mut options = Vec::new();
            let mut i = 0;
            while i < words.len() {
                let word = words[i];
                for (at, _) in word.match_indices("--") {
                    let rest = &word[at + 2..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
                        continue;
                    }
                    let after = &rest[name.len()..];
                    let value = if let Some(v) = after.strip_prefix('=') {
                        Some(v.to_string())
                    } else if after.is_empty() {
                        words.get(i + 1).map(|v| v.to_string())
                    } else {
                        None
                    };
                    let plain = value.filter(|v| {
                        !v.is_empty() && v.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    });
                    options.push((format!("--{name}"), plain));
                }
                if subcommand.is_none() && !word.starts_with('-') {
                    let previous = i.checked_sub(1).map(|p| words[p]);
                    // The value of a global option is not the subcommand.
                    let is_value =
                        previous.is_some_and(|p| ["--dir", "--at", "--color"].contains(&p));
                    if !is_value {
                        subcommand = Some(word.to_string());
                    }
                }
                i += 1;
            }
            if let Some(subcommand) = subcommand {
                found.push(Invocation {
                    line: n + 1,
                    subcommand,
                    options,
                });
            }
        }
    }
    found
}

/// A line without its shell or YAML comment: from a `#` that starts a word.
fn strip_comment(line: &str) -> &str {
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        if c == '#' && previous.is_whitespace() {
            return &line[..i];
        }
        previous = c;
    }
    line
}

/// The text of one command: up to `opened_by` (the quote before `backlog`),
/// or else to the first shell separator outside quotes and braces.
fn one_command(text: &str, opened_by: Option<char>) -> &str {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, c) if depth == 0 && Some(c) == opened_by => return &text[..i],
            (None, '"' | '\'') if depth == 0 => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => depth = depth.saturating_sub(1),
            (None, ';' | '|' | '&' | '>' | '<' | '`' | ')') if depth == 0 => return &text[..i],
            _ => {}
        }
    }
    text
}

/// The `--help` texts of the tool, each run once.
#[derive(Default)]
struct Help {
    texts: std::collections::HashMap<String, String>,
}

impl Help {
    /// `backlog --help` for `None`, else `backlog SUBCOMMAND --help`.
    fn of(&mut self, subcommand: Option<&str>) -> &str {
        let key = subcommand.unwrap_or("").to_string();
        self.texts.entry(key).or_insert_with(|| {
            let mut args: Vec<&str> = subcommand.into_iter().collect();
            args.push("--help");
            let r = crate::common::run_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &args);
            assert_eq!(r.code, 0, "backlog {args:?}: {r}");
            r.stdout
        })
    }
}

/// The long options of a `--help` text, each with its possible values
/// (empty when any value goes). Only option entries count, not option names
/// mentioned in descriptions.
fn options_in_help(help: &str) -> BTreeMap<String, Vec<String>> {
    let mut options: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in help.lines() {
        let trimmed = line.trim_start();
        let indented = trimmed.len() < line.len();
        let entry = trimmed
            .split_once("--")
            .filter(|(short, _)| {
                short.is_empty()
                    || (short.len() == 4 && short.starts_with('-') && short.ends_with(", "))
            })
            .map(|(_, rest)| rest);
        match entry {
            Some(rest) if indented => {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let name = format!("--{name}");
                options.insert(name.clone(), rest.to_string());
                current = Some(name);
            }
            _ if indented || trimmed.is_empty() => {
                if let Some(name) = &current {
                    let text = options.get_mut(name).unwrap();
                    text.push(' ');
                    text.push_str(trimmed);
                }
            }
            _ => current = None, // a section header
        }
    }
    options
        .into_iter()
        .map(|(name, text)| {
            let values = text
                .split("[possible values: ")
                .nth(1)
                .and_then(|v| v.split(']').next())
                .map(|v| {
                    v.split(',')
                        .map(|x| x.split_whitespace().collect::<String>())
                        .collect()
                })
                .unwrap_or_default();
            (name, values)
        })
        .collect()
}

/// What the `backlog` command lines in the code blocks of `docs` use that
/// the tool does not have, one message each: an unknown subcommand, an
/// option that neither `backlog SUBCOMMAND --help` nor `backlog --help`
/// lists, or a value that is not among the option's possible values.
fn command_problems(docs: &str, help: &mut Help) -> Vec<String> {
    let known = subcommands(help.of(None));
    assert!(known.contains(&"check".to_string()), "{known:?}");
    let global = options_in_help(help.of(None));
    let mut problems = Vec::new();
    for call in invocations(docs, &known) {
        let line = call.line;
        let sub = &call.subcommand;
        if !known.contains(sub) {
            problems.push(format!("line {line}: `{sub}` is not a backlog command"));
            continue;
        }
        let own = options_in_help(help.of(Some(sub)));
        for (option, value) in &call.options {
            let Some(values) = own.get(option).or_else(|| global.get(option)) else {
                problems.push(format!(
                    "line {line}: `backlog {sub}` has no option {option}"
                ));
                continue;
            };
            if let Some(value) = value {
                if !values.is_empty() && !values.contains(value) {
                    problems.push(format!(
                        "line {line}: `backlog {sub} {option}` takes {}, not {value}",
                        values.join(", ")
                    ));
                }
            }
        }
    }
    problems
}

/// YAML as JSON, via the tool's own YAML dependency.
fn serde_yaml_check(text: &str) -> Result<serde_json::Value, String> {
    let r = Fixture::empty();
    r.write("backlog.yaml", text);
    // backlog.yaml is parsed as YAML first: a syntax error is B003.
    let out = r.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).map_err(|e| e.to_string())?;
    match v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "B003")
    {
        Some(x) => Err(x["message"].to_string()),
        None => Ok(v),
    }
}

/// A decision corrected with `--amends` broke the rest of the cycle: the
/// story rejected after its acceptance was done and open again with no
/// `reopened:` (B081 in CI on the tool's own write), the sprint could not
/// be closed (B062 on the superseded acceptance), and with an amending
/// entry on the story the original could be deleted or turned unnoticed;
/// the start, the close and the reason of the correction were in no
/// history command.
#[test]
fn a_decision_corrected_with_amends_keeps_the_cycle_and_the_trail_whole() {
    let f = Fixture::example();
    let day = [("BACKLOG_TODAY", "2026-12-04")];
    let accept = [
        "sprint", "review", "2026-S23", "--accept", "S-16", "--force",
    ];
    assert_eq!(f.run_env(&day, &accept).code, 0);
    f.git(&["commit", "-qam", "Accept S-16"]);
    let reject = [
        "sprint",
        "review",
        "2026-S23",
        "--reject",
        "S-16",
        "--amends",
        "fees wrong on refunds",
    ];
    insta::assert_snapshot!(f.run_env(&day, &reject), @"
    2026-S23: 1 decision and 0 feedback items recorded
    S-16: status = ready
    S-16: reopened = fees wrong on refunds
    ");
    f.git(&["commit", "-qam", "S-16 was not done"]);
    let since = f.run_env(&day, &["check", "--since", "HEAD~1", "--format", "json"]);
    let codes = crate::common::finding_codes(&since.stdout);
    assert_eq!(codes, Vec::<String>::new(), "{}", since.stdout);
    let next = [
        "sprint",
        "new",
        "2026-S24",
        "--start",
        "2026-12-07",
        "--end",
        "2026-12-18",
    ];
    assert_eq!(f.run_env(&day, &next).code, 0);
    let close = [
        "sprint",
        "close",
        "2026-S23",
        "--carry-over-to",
        "2026-S24",
        "--goal-met",
        "no",
    ];
    insta::assert_snapshot!(f.run_env(&day, &close), @"2026-S23: closed; 5 carried over into 2026-S24: S-10, S-24, S-14, S-15, S-16");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "Close 2026-S23"]);
    // What was left at the close is what the burndown's last day says.
    let shown = f.run_env(&day, &["sprint", "show", "2026-S23"]).stdout;
    assert!(shown.contains("done: 0 points; remaining: 24"), "{shown}");
    assert!(shown.contains("2026-12-04     24"), "{shown}");
    // The trail says the start, the correction and why, and the close.
    let log = f.run(&["log", "2026-S23"]).stdout;
    for said in [
        "2026-S23  sprint started on 2026-11-23: committed 24 points in 5 stories",
        "2026-S23  review decision: S-16 rejected (amends: \"fees wrong on refunds\")",
        "2026-S23  sprint closed on 2026-12-04; goal not met; carried over S-10, S-24, S-14, S-15, S-16 into 2026-S24",
    ] {
        assert!(log.contains(said), "{said}\n{log}");
    }
    let decisions: serde_json::Value =
        serde_json::from_str(&f.run(&["decisions", "2026-S23", "--format", "json"]).stdout)
            .unwrap();
    let last = decisions.as_array().unwrap().len() - 1;
    assert_eq!(decisions[last - 1]["amended"], true, "{decisions}");
    assert_eq!(decisions[last]["what"]["amends"], "fees wrong on refunds");
    // The acceptance, deleted or turned, is a rewritten decision; so is
    // the correction reworded.
    let sprint = "sprints/2026-S23.md";
    let original = f.read(sprint);
    for (from, to) in [
        ("    - { story: S-16, decision: accepted }\n", ""),
        (
            "{ story: S-16, decision: accepted }",
            "{ story: S-16, decision: rejected }",
        ),
        // A correction's own note, reworded with the reason it had.
        (
            "decision: rejected, amends:",
            "decision: rejected, note: all fine, amends:",
        ),
    ] {
        f.edit(sprint, from, to);
        let r = f.run_env(&day, &["check", "--since", "HEAD"]);
        assert!(r.stdout.contains("error[B080]"), "{to:?}: {}", r.stdout);
        f.write(sprint, &original);
    }
}

/// `status done` refuses a story whose acceptance criteria are not all
/// checked; the review accepted one, done, without a word.
#[test]
fn the_review_accepts_unchecked_criteria_only_with_force() {
    let f = Fixture::example();
    let day = [("BACKLOG_TODAY", "2026-12-04")];
    let before = crate::common::snapshot_of_files(&f.backlog());
    let accept = ["sprint", "review", "2026-S23", "--accept", "S-16"];
    insta::assert_snapshot!(f.run_env(&day, &accept), @r#"
    ------- stderr -------
    error: `S-16` has 2 unchecked acceptance criteria: "Given a paid invoice, then its page shows the amount paid, the fee and the net payout", "The monthly CSV export has a fee column"; nothing was written
      help: check them in the story file (`- [x]`), or pass --force to record it as done anyway
    [exit status: 2]
    "#);
    assert_eq!(crate::common::snapshot_of_files(&f.backlog()), before);
}

/// `diff` called a sprint closed before its end "running".
#[test]
fn a_sprint_closed_before_its_end_is_not_running() {
    let f = Fixture::example();
    let day = [("BACKLOG_TODAY", "2026-12-02")];
    let close = ["sprint", "close", "2026-S23", "--goal-met", "no", "--force"];
    assert_eq!(
        f.run_env(&day, &close).code,
        0,
        "{}",
        f.run_env(&day, &close)
    );
    let diff = f.run_env(&day, &["diff", "HEAD"]).stdout;
    let scope = diff
        .lines()
        .find(|l| l.contains("2026-S23:"))
        .unwrap_or_default();
    insta::assert_snapshot!(scope, @"  2026-S23: 24 -> 0 points (-24) of 30; removed S-10, S-14, S-15, S-16, S-24");
}
