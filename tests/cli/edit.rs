//! Commands that write: `rank`, `new`, `set`, `status`, `fmt`. Each test
//! checks the files on disk and the git diff, not just the output.

use std::process::Command;

use crate::common::{snapshot_of_files, Fixture};

/// `git diff --numstat` of the working tree: (added, removed, path).
fn numstat(f: &Fixture) -> Vec<(String, String, String)> {
    let out = Command::new("git")
        .args(["diff", "--numstat"])
        .current_dir(f.root())
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut p = l.split('\t');
            (
                p.next().unwrap().into(),
                p.next().unwrap().into(),
                p.next().unwrap().into(),
            )
        })
        .collect()
}

/// Ids in backlog order.
fn order(f: &Fixture) -> Vec<String> {
    let r = f.run(&["list", "--format", "csv"]);
    r.stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect()
}

fn pos(order: &[String], id: &str) -> usize {
    order.iter().position(|x| x == id).unwrap()
}

#[test]
fn rank_before_changes_one_line_of_one_file() {
    let f = Fixture::example();
    let r = f.run(&["rank", "S-22", "--before", "S-17"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "S-22: position 21 -> 18, rank 22 -> 16\n");
    assert_eq!(
        numstat(&f),
        vec![(
            "1".into(),
            "1".into(),
            ".backlog/stories/S-22-import-customers-from-a-csv-file.md".into()
        )]
    );
    let o = order(&f);
    assert_eq!(pos(&o, "S-22") + 1, pos(&o, "S-17"));
    assert!(f.read(&f.story("S-22")).contains("\nrank: 16\n"));
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn rank_top_bottom_after_and_to() {
    let f = Fixture::example();
    assert_eq!(
        f.run(&["rank", "S-29", "--top"]).stdout,
        "S-29: position 32 -> 6, rank 60 -> 4.7\n"
    );
    assert_eq!(
        f.run(&["rank", "S-10", "--bottom"]).stdout,
        "S-10: position 14 -> 32, rank 10 -> 60\n"
    );
    assert_eq!(
        f.run(&["rank", "S-16", "--after", "S-15"]).stdout,
        "S-16 is already there (position 17)\n"
    );
    assert_eq!(
        f.run(&["rank", "S-20", "--to", "20"]).stdout,
        "S-20: position 29 -> 20, rank 40 -> 21.2\n"
    );
    let o = order(&f);
    assert_eq!(o[5], "S-29");
    assert_eq!(o[19], "S-20");
    assert_eq!(o[31], "S-10");
    assert_eq!(numstat(&f).len(), 3);
}

/// The rank arithmetic of many moves into one gap is unit-tested in
/// src/model/rank.rs; this is what the binary adds: each move writes the
/// new rank into the story's file and the order is right after every move.
#[test]
fn repeated_moves_into_the_same_gap() {
    let f = Fixture::example();
    // Alternate two stories into the gap right after S-17, each time before
    // the other, so the gap halves with every move.
    let mut said = String::new();
    for n in 0..5 {
        let id = if n % 2 == 0 { "S-20" } else { "S-28" };
        said.push_str(&f.session(&[&["rank", id, "--after", "S-17"]]));
        let o = order(&f);
        assert_eq!(pos(&o, id), pos(&o, "S-17") + 1, "move {n}: {o:?}");
    }
    insta::assert_snapshot!(said, @"
    $ backlog rank S-20 --after S-17
    S-20: position 29 -> 19, rank 40 -> 20.5
    $ backlog rank S-28 --after S-17
    S-28: position 29 -> 19, rank 35 -> 20.2
    $ backlog rank S-20 --after S-17
    S-20: position 20 -> 19, rank 20.5 -> 20.1
    $ backlog rank S-28 --after S-17
    S-28: position 20 -> 19, rank 20.2 -> 20.05
    $ backlog rank S-20 --after S-17
    S-20: position 20 -> 19, rank 20.1 -> 20.02
    ");
    let rank_of = |id: &str| {
        let text = f.read(&f.story(id));
        text.lines()
            .find(|l| l.starts_with("rank:"))
            .unwrap()
            .to_string()
    };
    assert_eq!(
        [rank_of("S-20"), rank_of("S-28")],
        ["rank: 20.02", "rank: 20.05"]
    );
    assert_eq!(numstat(&f).len(), 2);
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn moving_between_tied_stories_rebalances_only_those_two() {
    let f = Fixture::example();
    f.edit(&f.story("S-28"), "rank: 35", "rank: 20");
    f.git(&["commit", "-qam", "tie"]);
    // S-17 and S-28 now share rank 20; S-17 comes first by id.
    insta::assert_snapshot!(f.run(&["rank", "S-29", "--after", "S-17"]), @"
    S-29: position 32 -> 19, rank 60 -> 20.5
    S-28: position 19 -> 20, rank 20 -> 20.7
    ------- stderr -------
    note: `S-28` shared rank 20 with `S-17`; moved to 20.7 to make room
    ");
    assert_eq!(numstat(&f).len(), 2);
    let o = order(&f);
    assert_eq!(&o[17..20], ["S-17", "S-29", "S-28"]);
}

#[test]
fn rank_errors_write_nothing() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[
        &["rank", "S-404", "--top"],
        &["rank", "S-22", "--before", "S-22"],
        &["rank", "S-22"],
        &["rank", "S-22", "--top", "--bottom"],
    ]), @"
    $ backlog rank S-404 --top
    ------- stderr -------
    error: no story has the id `S-404`
      help: `backlog list` shows every story's id
    [exit status: 2]
    $ backlog rank S-22 --before S-22
    ------- stderr -------
    error: `S-22` cannot be placed relative to itself
    [exit status: 2]
    $ backlog rank S-22
    ------- stderr -------
    error: where should `S-22` go?
      help: add --top, --bottom, --before ID, --after ID or --to POSITION
    [exit status: 2]
    $ backlog rank S-22 --top --bottom
    ------- stderr -------
    error: the argument '--top' cannot be used with '--bottom'

    Usage: backlog rank --top <ID>

    For more information, try '--help'.
    [exit status: 2]
    ");
    assert!(numstat(&f).is_empty());
}

#[test]
fn rebalance_says_how_many_files_it_touches() {
    let f = Fixture::example();
    let dry = f.run(&["rank", "--rebalance", "--dry-run"]);
    insta::assert_snapshot!(dry, @"
    rebalance: 32 of 32 ranked stories change rank (32 files)
    S-3: position 1 -> 1, rank 1 -> 10
    S-4: position 2 -> 2, rank 2 -> 20
    S-5: position 3 -> 3, rank 3 -> 30
    S-6: position 4 -> 4, rank 4 -> 40
    S-7: position 5 -> 5, rank 4.5 -> 50
    S-1: position 6 -> 6, rank 5 -> 60
    S-2: position 7 -> 7, rank 6 -> 70
    S-8: position 8 -> 8, rank 7 -> 80
    S-9: position 9 -> 9, rank 8 -> 90
    S-11: position 10 -> 10, rank 9 -> 100
    S-12: position 11 -> 11, rank 9.5 -> 110
    S-13: position 12 -> 12, rank 9.75 -> 120
    S-10: position 13 -> 13, rank 10 -> 130
    S-24: position 14 -> 14, rank 10.5 -> 140
    S-14: position 15 -> 15, rank 11 -> 150
    S-15: position 16 -> 16, rank 12.5 -> 160
    S-16: position 17 -> 17, rank 13 -> 170
    S-17: position 18 -> 18, rank 20 -> 180
    S-26: position 19 -> 19, rank 21 -> 190
    S-31: position 20 -> 20, rank 21.5 -> 200
    S-22: position 21 -> 21, rank 22 -> 210
    S-27: position 22 -> 22, rank 23 -> 220
    S-25: position 23 -> 23, rank 24 -> 230
    S-19: position 24 -> 24, rank 25 -> 240
    S-30: position 25 -> 25, rank 26 -> 250
    S-23: position 26 -> 26, rank 28 -> 260
    S-18: position 27 -> 27, rank 30 -> 270
    S-28: position 28 -> 28, rank 35 -> 280
    S-20: position 29 -> 29, rank 40 -> 290
    S-21: position 30 -> 30, rank 45 -> 300
    S-32: position 31 -> 31, rank 50 -> 310
    S-29: position 32 -> 32, rank 60 -> 320
    ");
    assert!(numstat(&f).is_empty());
    let before = order(&f);
    let r = f.run(&["rank", "--rebalance"]);
    insta::assert_snapshot!(r, @"
    rebalance: 32 of 32 ranked stories change rank (32 files)
    S-3: position 1 -> 1, rank 1 -> 10
    S-4: position 2 -> 2, rank 2 -> 20
    S-5: position 3 -> 3, rank 3 -> 30
    S-6: position 4 -> 4, rank 4 -> 40
    S-7: position 5 -> 5, rank 4.5 -> 50
    S-1: position 6 -> 6, rank 5 -> 60
    S-2: position 7 -> 7, rank 6 -> 70
    S-8: position 8 -> 8, rank 7 -> 80
    S-9: position 9 -> 9, rank 8 -> 90
    S-11: position 10 -> 10, rank 9 -> 100
    S-12: position 11 -> 11, rank 9.5 -> 110
    S-13: position 12 -> 12, rank 9.75 -> 120
    S-10: position 13 -> 13, rank 10 -> 130
    S-24: position 14 -> 14, rank 10.5 -> 140
    S-14: position 15 -> 15, rank 11 -> 150
    S-15: position 16 -> 16, rank 12.5 -> 160
    S-16: position 17 -> 17, rank 13 -> 170
    S-17: position 18 -> 18, rank 20 -> 180
    S-26: position 19 -> 19, rank 21 -> 190
    S-31: position 20 -> 20, rank 21.5 -> 200
    S-22: position 21 -> 21, rank 22 -> 210
    S-27: position 22 -> 22, rank 23 -> 220
    S-25: position 23 -> 23, rank 24 -> 230
    S-19: position 24 -> 24, rank 25 -> 240
    S-30: position 25 -> 25, rank 26 -> 250
    S-23: position 26 -> 26, rank 28 -> 260
    S-18: position 27 -> 27, rank 30 -> 270
    S-28: position 28 -> 28, rank 35 -> 280
    S-20: position 29 -> 29, rank 40 -> 290
    S-21: position 30 -> 30, rank 45 -> 300
    S-32: position 31 -> 31, rank 50 -> 310
    S-29: position 32 -> 32, rank 60 -> 320
    ");
    assert_eq!(numstat(&f).len(), 32);
    assert_eq!(order(&f), before);
    assert!(f.read(&f.story("S-29")).contains("\nrank: 320\n"));
}

/// A scripted editor: a shell command that rewrites the file it is given.
fn with_editor(f: &Fixture, script: &str, args: &[&str]) -> crate::common::Run {
    f.run_env(&[("EDITOR", script)], args)
}

#[test]
fn rank_edit_swapping_two_lines_reranks_one_story() {
    let f = Fixture::example();
    // Swap the lines of S-26 and S-31 (neighbours at positions 19 and 20).
    let script = r#"f() { awk '/^S-26 /{held=$0; next} /^S-31 /{print; print held; next} {print}' "$1" > "$1.new" && mv "$1.new" "$1"; }; f"#;
    let r = with_editor(&f, script, &["rank", "--edit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "S-31: position 20 -> 19, rank 21.5 -> 20.5\n");
    assert_eq!(
        numstat(&f),
        vec![(
            "1".into(),
            "1".into(),
            ".backlog/stories/S-31-upload-fails-for-svg-logos.md".into()
        )]
    );
    let o = order(&f);
    assert_eq!(pos(&o, "S-31") + 1, pos(&o, "S-26"));
}

#[test]
fn rank_edit_moving_one_line_far_reranks_one_story() {
    let f = Fixture::example();
    // Move S-29 (last) to the top of the list.
    let script = r#"f() { { grep '^S-29 ' "$1"; grep -v '^S-29 ' "$1"; } > "$1.new" && mv "$1.new" "$1"; }; f"#;
    let r = with_editor(&f, script, &["rank", "--edit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "S-29: position 32 -> 6, rank 60 -> 4.7\n");
    assert_eq!(numstat(&f).len(), 1);
}

#[test]
fn rank_edit_aborts_cleanly() {
    let f = Fixture::example();
    let r = with_editor(&f, "false", &["rank", "--edit"]);
    insta::assert_snapshot!(r, @"
    ------- stderr -------
    error: the editor `false` exited with exit status: 1; nothing was changed
    [exit status: 2]
    ");
    let r = with_editor(&f, "truncate -s 0", &["rank", "--edit"]);
    insta::assert_snapshot!(r, @"the list is empty; nothing was changed");
    let r = with_editor(
        &f,
        r#"f() { echo 'S-404 nope' >> "$1"; }; f"#,
        &["rank", "--edit"],
    );
    insta::assert_snapshot!(r, @"
    ------- stderr -------
    error: line 27: no story has the id `S-404`; nothing was changed
    [exit status: 2]
    ");
    let r = with_editor(
        &f,
        r#"f() { grep '^S-22 ' "$1" > "$1.dup"; cat "$1.dup" >> "$1"; rm "$1.dup"; }; f"#,
        &["rank", "--edit"],
    );
    insta::assert_snapshot!(r, @"
    ------- stderr -------
    error: line 27: `S-22` appears twice; nothing was changed
    [exit status: 2]
    ");
    let r = with_editor(&f, "true", &["rank", "--edit"]);
    insta::assert_snapshot!(r, @"the order is unchanged");
    assert!(numstat(&f).is_empty());
}

#[test]
fn score_table_matches_hand_computed_wsjf() {
    let f = Fixture::example();
    let r = f.run(&["score"]);
    assert_eq!(r.code, 0);
    // docs/prioritisation.md: S-24 = (8 + 8 + 3) / 3 = 6.33; S-15 = (13 + 5 + 5) / 8 = 2.88.
    assert!(r.stdout.contains(" 14  S-24             8                 8               3         3    6.33  Long invoices break the PDF table layout\n"), "{}", r.stdout);
    assert!(r.stdout.contains(" 16  S-15            13                 5               5         8    2.88  DATEV export\n"), "{}", r.stdout);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn other_models_and_missing_inputs() {
    let f = Fixture::example();
    f.edit(
        "backlog.yaml",
        "scoring: wsjf",
        "scoring: { model: weighted, weights: { business: 2, risk_reduction: 1 } }",
    );
    let r = f.run(&["score", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["model"], "weighted");
    let s22 = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "S-22")
        .unwrap();
    assert_eq!(s22["score"], 18.0); // 2 * 8 + 1 * 2
    let s21 = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "S-21")
        .unwrap();
    assert_eq!(s21["score"], serde_json::Value::Null);
    assert_eq!(
        s21["missing"],
        serde_json::json!(["value.business", "value.risk_reduction"])
    );
}

#[test]
fn rank_by_model_suggests_and_applies_with_fewest_moves() {
    let f = Fixture::example();
    let r = f.run(&["rank", "--by", "wsjf"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
    assert!(numstat(&f).is_empty());
    let r = f.run(&["rank", "--by", "wsjf", "--apply"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let suggested: Vec<String> = r
        .stdout
        .lines()
        .skip(2)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().nth(2).unwrap().to_string())
        .collect();
    let o = order(&f);
    let now: Vec<&String> = o.iter().filter(|id| suggested.contains(id)).collect();
    assert_eq!(now, suggested.iter().collect::<Vec<_>>());
    let changed = numstat(&f).len();
    assert!(
        changed < suggested.len(),
        "{changed} files for {} stories",
        suggested.len()
    );
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn new_story_gets_the_next_id_and_a_template() {
    let f = Fixture::example();
    let r = f.run(&[
        "new",
        "Export invoices: bulk ZIP",
        "--as",
        "support agent",
        "--want",
        "to get one ZIP of PDFs",
        "--so-that",
        "auditors get everything at once",
        "--estimate",
        "5",
        "--label",
        "export",
        "--before",
        "S-22",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "created .backlog/stories/S-33-export-invoices-bulk-zip.md (S-33, position 21 of 33)\n"
    );
    let today = String::from_utf8(
        Command::new("date")
            .args(["-u", "+%F"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let text = f
        .read("stories/S-33-export-invoices-bulk-zip.md")
        .replace(today.trim(), "TODAY");
    insta::assert_snapshot!(text);
    let o = order(&f);
    assert_eq!(pos(&o, "S-33") + 1, pos(&o, "S-22"));
    // A fresh story is a draft (first status) and passes check.
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 33 stories and 3 sprints checked, no problems");
}

#[test]
fn new_skips_ids_taken_on_other_branches() {
    let f = Fixture::example();
    f.git(&["checkout", "-q", "-b", "feature"]);
    f.write(
        "stories/S-40-from-a-branch.md",
        "---\nid: S-40\ntitle: From a branch\nstatus: draft\nrank: 99\n---\n",
    );
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "S-40 on a branch"]);
    f.git(&["update-ref", "refs/remotes/origin/other", "HEAD"]);
    f.git(&["checkout", "-q", "main"]);
    f.git(&["branch", "-D", "-q", "feature"]);
    // Only the remote-tracking branch holds S-40 now.
    assert!(!f.backlog().join("stories/S-40-from-a-branch.md").exists());
    let r = f.run(&["new", "Something else"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "created .backlog/stories/S-41-something-else.md (S-41, position 33 of 33)\n"
    );
}

#[test]
fn set_changes_only_the_named_lines() {
    let f = Fixture::example();
    let s = f.story("S-22");
    let before = f.read(&s);
    let r = f.run(&[
        "set",
        "S-22",
        "estimate=5",
        "labels=onboarding, import, csv",
        "value.business=9",
        "x-jira=LED-7",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = f.read(&s);
    let diff = similar::TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(0)
        .to_string();
    insta::assert_snapshot!(format!("{}\n{diff}", r.stdout));
    assert!(
        after.ends_with(before.split("---\n").nth(2).unwrap()),
        "body changed"
    );
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn set_refuses_bad_values() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[
        &["set", "S-22", "estimate=five"],
        &["set", "S-22", "epic=S-27"],
        &["set", "S-22", "staus=ready"],
        &["set", "S-22", "estimate=1", "estimate=2"],
        &["set", "S-22", "sprint=2026-S99"],
        &["set", "S-22", "title="],
    ]), @"
    $ backlog set S-22 estimate=five
    ------- stderr -------
    error: estimate `five` is not a number of zero or more; nothing was written
      help: write it like `estimate=5`
    [exit status: 2]
    $ backlog set S-22 epic=S-27
    ------- stderr -------
    error: `S-27` is a story, not an epic; nothing was written
      help: name a story whose kind is `epic`
    [exit status: 2]
    $ backlog set S-22 staus=ready
    ------- stderr -------
    error: `staus` is not a story field; nothing was written
      help: did you mean `status`? Custom fields start with `x-`
    [exit status: 2]
    $ backlog set S-22 estimate=1 estimate=2
    ------- stderr -------
    error: `estimate` is given twice; nothing was written
      help: give each field once
    [exit status: 2]
    $ backlog set S-22 sprint=2026-S99
    ------- stderr -------
    error: sprint `2026-S99` does not exist; nothing was written
      help: create it with `backlog sprint new 2026-S99 --start DATE --end DATE`
    [exit status: 2]
    $ backlog set S-22 title=
    ------- stderr -------
    error: `title` is required and cannot be removed; nothing was written
      help: give it a value: `title=…`
    [exit status: 2]
    ");
    assert!(numstat(&f).is_empty());
}

#[test]
fn status_guards_done() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[
        &["status", "S-14", "done"],
        &["status", "S-14", "in-progres"],
    ]), @r#"
    $ backlog status S-14 done
    ------- stderr -------
    error: `S-14` has 3 unchecked acceptance criteria: "Given a month, when I choose Export CSV, then one file with a row per invoice downloads", "Columns: number, date, customer, net, VAT rate, VAT, gross, status", "Amounts use a dot as decimal separator and no thousands separator"; nothing was written
      help: check them in the story file (`- [x]`), or pass --force to record it as done anyway
    [exit status: 2]
    $ backlog status S-14 in-progres
    ------- stderr -------
    error: `in-progres` is not a status of the workflow; nothing was written
      help: did you mean `in-progress`? The workflow's statuses are: idea, draft, ready, in-progress, review, done, dropped
    [exit status: 2]
    "#);
    assert!(numstat(&f).is_empty());
    insta::assert_snapshot!(f.run(&["status", "S-14", "done", "--force"]), @"S-14: status = done");
    assert_eq!(
        numstat(&f),
        vec![(
            "1".into(),
            "1".into(),
            ".backlog/stories/S-14-export-a-month-of-invoices-as-csv.md".into()
        )]
    );
}

#[test]
fn a_file_that_does_not_parse_is_never_rewritten() {
    let f = Fixture::example();
    let s = f.story("S-22");
    f.edit(
        &s,
        "title: Import customers from a CSV file",
        "title: [broken",
    );
    let before = f.read(&s);
    insta::assert_snapshot!(f.run(&["set", "S-22", "estimate=1"]), @"
    ------- stderr -------
    error: the file of `S-22` does not parse, so it cannot be used:

    error[B003]: invalid YAML: did not find expected ',' or ']'
     --> .backlog/stories/S-22-import-customers-from-a-csv-file.md:4:5
      |
    4 | kind: story
      |     ^^^^^^^
      = help: fix the YAML syntax; quote values that contain `: ` or start with a special character
      help: fix the file (see the finding above), then run the command again
    [exit status: 2]
    ");
    assert_eq!(f.read(&s), before);
    insta::assert_snapshot!(f.run(&["fmt"]), @"
    left alone: 1 files that do not parse (see `backlog check`)
    all 34 files are formatted
    ");
    assert_eq!(f.read(&s), before);
}

#[cfg(unix)]
#[test]
fn read_only_files_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::example();
    let path = f.backlog().join(f.story("S-22"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = f.run(&["rank", "S-22", "--top"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr, "error: .backlog/stories/S-22-import-customers-from-a-csv-file.md is read-only; nothing was written\n");
    assert!(numstat(&f).is_empty());
}

#[test]
fn crlf_files_stay_crlf() {
    let f = Fixture::example();
    let s = f.story("S-22");
    let crlf = f.read(&s).replace('\n', "\r\n");
    f.write(&s, &crlf);
    let r = f.run(&["rank", "S-22", "--top"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(f.read(&s), crlf.replace("rank: 22\r\n", "rank: 4.7\r\n"));
}

#[test]
fn fmt_orders_fields_and_check_mode_reports() {
    let f = Fixture::example();
    let s = f.story("S-22");
    f.edit(
        &s,
        "id: S-22\ntitle: Import customers from a CSV file\n",
        "title: Import customers from a CSV file\n# the id\nid: S-22\n",
    );
    insta::assert_snapshot!(f.session(&[&["fmt", "--check"], &["fmt"]]), @"
    $ backlog fmt --check
    would reformat .backlog/stories/S-22-import-customers-from-a-csv-file.md
    [exit status: 1]
    $ backlog fmt
    reformatted .backlog/stories/S-22-import-customers-from-a-csv-file.md
    ");
    assert!(
        f.read(&s).starts_with(
            "---\n# the id\nid: S-22\ntitle: Import customers from a CSV file\nkind: story\n"
        ),
        "{}",
        f.read(&s)
    );
    insta::assert_snapshot!(f.run(&["fmt", "--check"]), @"all 35 files are formatted");
    assert_eq!(
        numstat(&f),
        vec![(
            "1".into(),
            "0".into(),
            ".backlog/stories/S-22-import-customers-from-a-csv-file.md".into()
        )]
    );
}

#[test]
fn prioritisation_doc_examples_hold() {
    let f = Fixture::example();
    assert_eq!(
        f.run(&[
            "set",
            "S-22",
            "value.reach=300",
            "value.impact=2",
            "value.confidence=0.8",
            "value.ease=7",
            "value.moscow=must"
        ])
        .code,
        0
    );
    let score_of = |f: &Fixture, model: &str| -> serde_json::Value {
        f.edit(
            "backlog.yaml",
            "scoring: wsjf",
            &format!("scoring: {model}"),
        );
        let r = f.run(&["score", "--format", "json"]);
        f.edit(
            "backlog.yaml",
            &format!("scoring: {model}"),
            "scoring: wsjf",
        );
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["stories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "S-22")
            .unwrap()["score"]
            .clone()
    };
    assert_eq!(score_of(&f, "rice"), 160.0);
    assert!((score_of(&f, "ice").as_f64().unwrap() - 11.2).abs() < 1e-9);
    assert_eq!(score_of(&f, "moscow"), 4.0);
    assert!((score_of(&f, "value_effort").as_f64().unwrap() - 8.0 / 3.0).abs() < 1e-9);
    assert_eq!(score_of(&f, "wsjf"), 5.0);
}

/// `new` is refused, like `set`, when the story it would write breaks a
/// rule made an error (an estimate above `quality.max_estimate`); `--force`
/// writes it anyway.
#[test]
fn a_new_story_that_breaks_an_error_rule_is_refused_unless_forced() {
    let f = Fixture::example();
    f.edit(
        "backlog.yaml",
        "rules:\n",
        "quality: { max_estimate: 13 }\nrules:\n  story-too-big: error\n",
    );
    insta::assert_snapshot!(f.session(&[
        &["new", "Pay by card", "--estimate", "21"],
        &["new", "Pay by card", "--estimate", "21", "--force"],
    ]), @"
    $ backlog new Pay by card --estimate 21
    ------- stderr -------
    error: the change would break a rule, so nothing was written:

    error[B098]: `S-33` is estimated at 21, above the 13 a story may be
     --> .backlog/stories/S-33-pay-by-card.md:7:11
      |
    7 | estimate: 21
      |           ^^
      = help: split it into stories that each deliver something a user can see
      help: do what the finding says first, or pass --force to write it anyway
    [exit status: 2]
    $ backlog new Pay by card --estimate 21 --force
    created .backlog/stories/S-33-pay-by-card.md (S-33, position 33 of 33)
    ");
    assert!(f.backlog().join("stories/S-33-pay-by-card.md").is_file());
}

/// `set` wrote a title with a line break (quoted, so the YAML held) where
/// `new` refuses one: a field's value is one line.
#[test]
fn set_refuses_a_value_with_a_line_break_as_new_does() {
    let f = Fixture::example();
    let before = snapshot_of_files(&f.backlog());
    insta::assert_snapshot!(f.run(&["set", "S-29", "title=Dark\nmode"]), @"
    ------- stderr -------
    error: the value of `title` holds a line break or another control character; nothing was written
      help: a field's value is one line; put the rest into the story's description
    [exit status: 2]
    ");
    assert_eq!(snapshot_of_files(&f.backlog()), before);
}
