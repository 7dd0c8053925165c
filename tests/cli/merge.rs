//! `merge-file`, git's merge driver for stories and sprints, in real merges
//! run by the `git` binary, and `git-setup`, which wires it in.

use std::process::Command;

use crate::common::{Fixture, Run};

/// The example backlog with the driver set up and committed, and a branch
/// `side` made by `theirs` (committed) while `main` gets `ours`.
fn branches(ours: impl Fn(&Fixture), theirs: impl Fn(&Fixture)) -> Fixture {
    let f = Fixture::example();
    let setup = f.run(&["git-setup"]);
    assert_eq!(setup.code, 0, "{setup}");
    f.git(&["add", ".gitattributes"]);
    f.git(&["commit", "-q", "-m", "Merge stories field by field"]);
    f.git(&["checkout", "-q", "-b", "side"]);
    theirs(&f);
    f.git(&["commit", "-q", "-am", "Theirs"]);
    f.git(&["checkout", "-q", "main"]);
    ours(&f);
    f.git(&["commit", "-q", "-am", "Ours"]);
    f
}

/// `git ARGS` with the built `backlog` first on PATH, as a user has it.
fn git(f: &Fixture, args: &[&str]) -> Run {
    let bin = assert_cmd::cargo::cargo_bin("backlog");
    let dir = bin.parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = Command::new("git")
        .args(args)
        .current_dir(f.root())
        .env("PATH", path)
        .env("GIT_AUTHOR_NAME", "Pat Owner")
        .env("GIT_AUTHOR_EMAIL", "pat@example.com")
        .env("GIT_COMMITTER_NAME", "Pat Owner")
        .env("GIT_COMMITTER_EMAIL", "pat@example.com")
        .env("GIT_AUTHOR_DATE", "@1795165200 +0000")
        .env("GIT_COMMITTER_DATE", "@1795165200 +0000")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

fn merge(f: &Fixture) -> Run {
    git(f, &["merge", "-q", "--no-edit", "side"])
}

fn status(f: &Fixture) -> String {
    git(f, &["status", "--porcelain"]).stdout
}

#[test]
fn different_fields_of_one_story_merge_cleanly() {
    let base = Fixture::example();
    let story = base.story("S-10");
    let original = base.read(&story);
    let f = branches(
        |f| f.edit(&story, "status: in-progress", "status: review"),
        |f| f.edit(&story, "rank: 10", "rank: 9.5"),
    );
    // Adjacent lines: git's own line merge would call this a conflict.
    insta::assert_snapshot!(merge(&f), @"Auto-merging .backlog/stories/S-10-export-invoices-as-pdf.md");
    assert_eq!(
        f.read(&story),
        original
            .replace("status: in-progress", "status: review")
            .replace("rank: 10", "rank: 9.5")
    );
    assert_eq!(status(&f), "");
}

#[test]
fn one_field_changed_differently_is_a_conflict_that_says_what_to_do() {
    let f = branches(
        |f| f.edit(&f.story("S-10"), "rank: 10", "rank: 4"),
        |f| {
            f.edit(&f.story("S-10"), "rank: 10", "rank: 12");
            f.edit(&f.story("S-10"), "estimate: 5", "estimate: 8");
        },
    );
    let story = f.story("S-10");
    insta::assert_snapshot!(merge(&f), @"
    Auto-merging .backlog/stories/S-10-export-invoices-as-pdf.md
    CONFLICT (content): Merge conflict in .backlog/stories/S-10-export-invoices-as-pdf.md
    Automatic merge failed; fix conflicts and then commit the result.
    ------- stderr -------
    conflict: .backlog/stories/S-10-export-invoices-as-pdf.md:6: `rank` of S-10 was changed on both sides
      base:   10
      ours:   4
      theirs: 12
      help: in .backlog/stories/S-10-export-invoices-as-pdf.md, keep what you decide between each `<<<<<<<` and `>>>>>>>` and delete the marker lines (`backlog check` reports any left), then `git add .backlog/stories/S-10-export-invoices-as-pdf.md`
    [exit status: 1]
    ");
    insta::assert_snapshot!(f.read(&story), @"
    ---
    id: S-10
    title: Export invoices as PDF
    kind: story
    status: in-progress
    <<<<<<< ours:.backlog/stories/S-10-export-invoices-as-pdf.md
    rank: 4
    =======
    rank: 12
    >>>>>>> theirs:.backlog/stories/S-10-export-invoices-as-pdf.md
    estimate: 8
    epic: S-2
    goal: G-2
    labels: [export, pdf]
    depends_on: [S-7]
    stakeholders: [finance, support]
    value: { business: 8, time_criticality: 5, risk_reduction: 3, job_size: 5 }
    sprint: 2026-S23
    created: 2026-10-06
    ---
    As a **finance clerk**, I want to export an invoice as PDF, so that I can send it to a customer
    without retyping it.

    ## Acceptance criteria
    - [ ] Given an issued invoice, when I choose Export, then a PDF named after the invoice number downloads
    - [ ] The PDF shows the logo, addresses, line items, VAT breakdown and totals
    - [ ] Given an invoice with more than 40 lines, then the table continues on the next page with its header repeated

    ## Notes
    Rejected at the 2026-S22 review: the line-item table broke on long invoices. Carried into
    2026-S23 together with the follow-up S-24.
    ");
    insta::assert_snapshot!(status(&f), @"UU .backlog/stories/S-10-export-invoices-as-pdf.md");
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B011]: an unfinished merge left its conflict markers here
     --> .backlog/stories/S-10-export-invoices-as-pdf.md:6:1
      |
    6 | <<<<<<< ours:.backlog/stories/S-10-export-invoices-as-pdf.md
      | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      = help: keep what you decide between `<<<<<<<` and `>>>>>>>`, delete the marker lines, then `git add` the file (docs/merge.md)

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
}

#[test]
fn labels_added_on_both_sides_merge_as_a_set() {
    let f = branches(
        |f| {
            f.edit(
                &f.story("S-10"),
                "labels: [export, pdf]",
                "labels: [export, pdf, invoices]",
            )
        },
        |f| {
            f.edit(
                &f.story("S-10"),
                "labels: [export, pdf]",
                "labels: [pdf, finance]",
            )
        },
    );
    insta::assert_snapshot!(merge(&f), @"Auto-merging .backlog/stories/S-10-export-invoices-as-pdf.md");
    assert!(f
        .read(&f.story("S-10"))
        .contains("\nlabels: [pdf, invoices, finance]\n"));
    assert_eq!(status(&f), "");
}

#[test]
fn a_body_edited_in_different_paragraphs_merges() {
    let base = Fixture::example();
    let story = base.story("S-10");
    let original = base.read(&story);
    let statement = "so that I can send it to a customer\nwithout retyping it.";
    let notes = "Carried into\n2026-S23 together with the follow-up S-24.";
    let f = branches(
        |f| {
            f.edit(
                &story,
                statement,
                "so that I can send it to a customer\nwithout retyping it, by email.",
            )
        },
        |f| {
            f.edit(
                &story,
                notes,
                "Carried into\n2026-S23 together with the follow-up S-24 (agreed with finance).",
            )
        },
    );
    insta::assert_snapshot!(merge(&f), @"Auto-merging .backlog/stories/S-10-export-invoices-as-pdf.md");
    assert_eq!(
        f.read(&story),
        original
            .replace(
                statement,
                "so that I can send it to a customer\nwithout retyping it, by email."
            )
            .replace(
                notes,
                "Carried into\n2026-S23 together with the follow-up S-24 (agreed with finance)."
            )
    );
    assert_eq!(status(&f), "");
}

#[test]
fn review_decisions_appended_on_both_sides_are_all_kept() {
    let sprint = "sprints/2026-S22.md";
    let last = "    - { story: S-13, decision: accepted, note: Reconciled October to the cent }\n";
    let f = branches(
        |f| {
            f.edit(
                sprint,
                last,
                &format!(
                    "{last}    - {{ story: S-14, decision: rejected, note: \"columns, again\" }}\n"
                ),
            )
        },
        |f| {
            f.edit(
                sprint,
                last,
                &format!("{last}    - {{ story: S-16, decision: accepted }}\n"),
            );
            f.edit(
                sprint,
                "story: S-21 }\n",
                "story: S-21 }\n    - { from: sales, note: wants a demo }\n",
            );
        },
    );
    insta::assert_snapshot!(merge(&f), @"Auto-merging .backlog/sprints/2026-S22.md");
    insta::assert_snapshot!(f.read(sprint), @r#"
    ---
    id: 2026-S22
    goal: Customers can pay invoices online
    start: 2026-11-09
    end: 2026-11-20
    capacity: 30
    commitment: { date: 2026-11-09, stories: [S-8, S-9, S-10, S-11, S-12, S-13], points: 28 }
    review:
      date: 2026-11-20
      decisions:
        - { story: S-8, decision: accepted, note: First real payment received during the review }
        - { story: S-9, decision: accepted }
        - { story: S-10, decision: rejected, note: layout breaks on long invoices, follow_up: S-24 }
        - { story: S-11, decision: accepted, note: Reminder wording approved by support }
        - { story: S-12, decision: accepted }
        - { story: S-13, decision: accepted, note: Reconciled October to the cent }
        - { story: S-14, decision: rejected, note: "columns, again" }
        - { story: S-16, decision: accepted }
      feedback:
        - { from: support, note: wants bulk export for auditors, story: S-25 }
        - { from: finance, note: large customers ask to pay in instalments, story: S-19 }
        - { from: customers, note: asked for a portal with all their invoices, story: S-21 }
        - { from: sales, note: wants a demo }
    closed: { date: 2026-11-20, carried_over: [S-10], to: 2026-S23, goal_met: true }
    ---
    Online payments are live. S-10 goes back into the next sprint with the follow-up S-24.

    Velocity 23 of 28 planned points.
    "#);
    assert_eq!(status(&f), "");
}

#[test]
fn git_setup_is_idempotent_and_says_what_it_wrote() {
    let f = Fixture::example();
    std::fs::write(f.root().join(".gitattributes"), "*.png binary").unwrap();
    insta::assert_snapshot!(f.run(&["git-setup"]), @"
    wrote `.backlog/**/*.md merge=backlog` to .gitattributes (commit it: the whole team merges stories this way)
    wrote `merge.backlog.name = backlog: stories and sprints merged field by field` to .git/config
    wrote `merge.backlog.driver = backlog merge-file %O %A %B %P` to .git/config
    ");
    let attributes = std::fs::read_to_string(f.root().join(".gitattributes")).unwrap();
    let config = std::fs::read_to_string(f.root().join(".git/config")).unwrap();
    insta::assert_snapshot!(attributes, @"
    *.png binary
    .backlog/**/*.md merge=backlog
    ");
    insta::assert_snapshot!(git(&f, &["config", "--get-regexp", "^merge\\."]).stdout, @"
    merge.backlog.name backlog: stories and sprints merged field by field
    merge.backlog.driver backlog merge-file %O %A %B %P
    ");
    insta::assert_snapshot!(f.run(&["git-setup"]), @"
    unchanged: .gitattributes has `.backlog/**/*.md merge=backlog`
    unchanged: .git/config has `merge.backlog.name = backlog: stories and sprints merged field by field`
    unchanged: .git/config has `merge.backlog.driver = backlog merge-file %O %A %B %P`
    ");
    assert_eq!(
        std::fs::read_to_string(f.root().join(".gitattributes")).unwrap(),
        attributes
    );
    assert_eq!(
        std::fs::read_to_string(f.root().join(".git/config")).unwrap(),
        config
    );
}

#[test]
fn init_sets_up_the_driver_in_a_repository() {
    let f = Fixture::empty();
    f.git(&["init", "-q", "-b", "main"]);
    insta::assert_snapshot!(f.run(&["init"]), @"
    created .backlog/backlog.yaml
    created .backlog/stories/S-1-sign-up-with-an-email-address.md
    created .backlog/sprints/.gitkeep
    wrote `.backlog/**/*.md merge=backlog` to .gitattributes (commit it: the whole team merges stories this way)
    wrote `merge.backlog.name = backlog: stories and sprints merged field by field` to .git/config
    wrote `merge.backlog.driver = backlog merge-file %O %A %B %P` to .git/config
    next: edit .backlog/backlog.yaml, then run `backlog check`
    ");
    insta::assert_snapshot!(git(&f, &["config", "--get", "merge.backlog.driver"]).stdout, @"backlog merge-file %O %A %B %P");
}

#[test]
fn merge_file_on_files_outside_a_merge() {
    let f = Fixture::empty();
    let write = |name: &str, text: &str| std::fs::write(f.root().join(name), text).unwrap();
    write("base", "a\nb\nc\n");
    write("ours", "A\nb\nc\n");
    write("theirs", "a\nb\nC\n");
    insta::assert_snapshot!(f.run(&["merge-file", "base", "ours", "theirs", "docs/notes.md"]), @"
    ------- stderr -------
    note: docs/notes.md: merged line by line, as plain text: it is not a story or sprint file (below stories/ or sprints/)
    ");
    assert_eq!(
        std::fs::read_to_string(f.root().join("ours")).unwrap(),
        "A\nb\nC\n"
    );
    insta::assert_snapshot!(f.run(&["merge-file", "base", "ours", "missing"]), @"
    ------- stderr -------
    error: cannot read missing: No such file or directory (os error 2)
    [exit status: 2]
    ");
    assert_eq!(
        std::fs::read_to_string(f.root().join("ours")).unwrap(),
        "A\nb\nC\n"
    );
}
