//! `import backlog-md`, `import jira-csv`, `export jira-csv` and CSV safety
//! (issue 13).

use std::path::{Path, PathBuf};

use crate::common::Fixture;

/// Writes `files` (path, text) below `root`.
fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// A small Backlog.md project with every trait the importer handles.
fn backlog_md(f: &Fixture) {
    write_tree(
        &f.root().join("bmd/backlog"),
        &[
            ("config.yml", "project_name: Shop\nstatuses: [\"To Do\", \"In Progress\", \"In Review\", \"Done\"]\ntask_prefix: \"shop\"\n"),
            ("tasks/readme.md", "# Tasks\n"),
            ("tasks/shop-1 - Checkout.md", "---\nid: SHOP-1\ntitle: Checkout\nstatus: To Do\npriority: low\nmilestone: m-1\ndependencies: [task-2]\n---\n\n## Acceptance Criteria\n<!-- AC:BEGIN -->\n- [ ] #1 Given a cart, when I pay, then I get a receipt\n<!-- AC:END -->\n"),
            ("tasks/shop-2 - Cart.md", "---\nid: SHOP-2\ntitle: 'Cart: add items'\nstatus: In Progress\nassignee: @pat\nordinal: 1000\nlabels: [cart]\n---\nBody.\n"),
            ("tasks/shop-2.1 - Cart badge.md", "---\nid: SHOP-2.1\ntitle: Cart badge\nstatus: Blocked\nparent_task_id: shop-2\ntype: bug\n---\n"),
            ("tasks/shop-3 - Notes.md", "Just notes, no front matter.\n"),
            ("completed/shop-4 - Login.md", "---\nid: SHOP-4\ntitle: Login\nstatus: Done\ncreated_date: '2025-06-03 10:00'\n---\n"),
            ("archive/tasks/shop-4 - Old login.md", "---\nid: SHOP-4\ntitle: Old login\nstatus: To Do\n---\n"),
            ("milestones/m-1 - launch.md", "---\nid: m-1\ntitle: \"Launch\"\n---\n"),
        ],
    );
}

#[test]
fn backlog_md_import_maps_refuses_and_is_idempotent() {
    let f = Fixture::example();
    backlog_md(&f);
    insta::assert_snapshot!(f.run(&["import", "backlog-md", "bmd"]), @r#"
    imported 4 stories from bmd (backlog-md) as S-33..S-36
    added 1 goal: G-4 Launch
    2 refused (see above); fix them and import again: what is imported already is kept
    ------- stderr -------
    refused: bmd/backlog/tasks/shop-2.1 - Cart badge.md:2:1: SHOP-2.1: status `Blocked` maps to no status of this backlog
      help: map it with --status "Blocked=STATUS" (one of: idea, draft, ready, in-progress, review, done, dropped)
    refused: bmd/backlog/tasks/shop-3 - Notes.md:1:1: has no front matter (no `---` on its first line), so it has no id, title or status
      help: add `id:`, `title:` and `status:` between `---` lines, then import again
    warning: bmd/backlog/archive/tasks/shop-4 - Old login.md:2:1: id SHOP-4 is also the id of bmd/backlog/completed/shop-4 - Login.md; imported as a story of its own, with key SHOP-4@archive/tasks
    warning: bmd/backlog/tasks/shop-2 - Cart.md:5:11: front matter is not strict YAML (found character that cannot start any token); read line by line
      help: quote values that start with `@` or hold `: ` so other YAML tools read it too
    skipped: bmd/backlog/tasks/readme.md: the folder's readme, not a task
    [exit status: 1]
    "#);
    insta::assert_snapshot!(f.run(&["import", "backlog-md", "bmd", "--status", "Blocked=in-progress"]), @"
    imported 1 story from bmd (backlog-md) as S-37
    4 already imported, left as they are
    1 refused (see above); fix them and import again: what is imported already is kept
    ------- stderr -------
    refused: bmd/backlog/tasks/shop-3 - Notes.md:1:1: has no front matter (no `---` on its first line), so it has no id, title or status
      help: add `id:`, `title:` and `status:` between `---` lines, then import again
    warning: bmd/backlog/archive/tasks/shop-4 - Old login.md:2:1: id SHOP-4 is also the id of bmd/backlog/completed/shop-4 - Login.md; imported as a story of its own, with key SHOP-4@archive/tasks
    warning: bmd/backlog/tasks/shop-2 - Cart.md:5:11: front matter is not strict YAML (found character that cannot start any token); read line by line
      help: quote values that start with `@` or hold `: ` so other YAML tools read it too
    skipped: bmd/backlog/tasks/readme.md: the folder's readme, not a task
    [exit status: 1]
    ");
    insta::assert_snapshot!(f.read(&f.story("S-33")), @"
    ---
    id: S-33
    title: Checkout
    kind: story
    status: draft
    rank: 80
    goal: G-4
    depends_on: [S-34]
    x-imported-from: backlog-md:SHOP-1
    x-priority: low
    ---
    ## Acceptance Criteria
    - [ ] Given a cart, when I pay, then I get a receipt
    ");
    insta::assert_snapshot!(f.read(&f.story("S-35")), @"
    ---
    id: S-35
    title: Login
    kind: story
    status: done
    created: 2025-06-03
    x-imported-from: backlog-md:SHOP-4
    ---
    ");
    insta::assert_snapshot!(f.run(&["import", "backlog-md", "bmd", "--status", "Blocked=in-progress"]), @"
    imported 0 stories from bmd (backlog-md)
    5 already imported, left as they are
    1 refused (see above); fix them and import again: what is imported already is kept
    ------- stderr -------
    refused: bmd/backlog/tasks/shop-3 - Notes.md:1:1: has no front matter (no `---` on its first line), so it has no id, title or status
      help: add `id:`, `title:` and `status:` between `---` lines, then import again
    warning: bmd/backlog/archive/tasks/shop-4 - Old login.md:2:1: id SHOP-4 is also the id of bmd/backlog/completed/shop-4 - Login.md; imported as a story of its own, with key SHOP-4@archive/tasks
    warning: bmd/backlog/tasks/shop-2 - Cart.md:5:11: front matter is not strict YAML (found character that cannot start any token); read line by line
      help: quote values that start with `@` or hold `: ` so other YAML tools read it too
    skipped: bmd/backlog/tasks/readme.md: the folder's readme, not a task
    [exit status: 1]
    ");
    let check = f.run(&["check", "--format", "json"]);
    assert!(
        !check.stdout.contains("\"severity\": \"error\""),
        "{}",
        check.stdout
    );
    assert_eq!(check.code, 0, "{check}");
}

#[test]
fn a_bad_status_option_is_refused_before_anything_is_read() {
    let f = Fixture::example();
    backlog_md(&f);
    insta::assert_snapshot!(f.run(&["import", "backlog-md", "bmd", "--status", "Done=finished"]), @r#"
    ------- stderr -------
    error: `finished` is not a status of this backlog's workflow (idea, draft, ready, in-progress, review, done, dropped)
      help: write it like --status "In Review=review"
    [exit status: 2]
    "#);
    insta::assert_snapshot!(f.run(&["import", "backlog-md", "nowhere"]), @"
    ------- stderr -------
    error: nowhere is not a Backlog.md project: it has no backlog/config.yml and no backlog/tasks/
      help: name the folder that holds `backlog/`
    [exit status: 2]
    ");
}

fn jira_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jira-all-fields.csv")
}

#[test]
fn jira_csv_import() {
    let f = Fixture::example();
    std::fs::copy(jira_fixture(), f.root().join("export.csv")).unwrap();
    insta::assert_snapshot!(f.run(&["import", "jira-csv", "export.csv", "--status", "Blocked=draft"]), @"
    imported 5 stories from export.csv (jira) as S-33..S-37
    2 refused (see above); fix them and import again: what is imported already is kept
    ------- stderr -------
    refused: export.csv:18:1: PAY-6 has no Summary
      help: give the issue a summary in Jira, then export again
    refused: export.csv:19:1: PAY-2 is on line 3 already; this row is left out
      help: remove the repeated row, or export again
    warning: export.csv:16:1: PAY-4: `Custom field (Story Points)` is `not-a-number`, not a number of points; left out
    warning: export.csv:17:1: PAY-5: Created `yesterday` is no date this importer reads; left out
    [exit status: 1]
    ");
    insta::assert_snapshot!(f.read(&f.story("S-35")), @"
    ---
    id: S-35
    title: Refund button crashes
    kind: bug
    status: done
    estimate: 2
    epic: S-33
    created: 2025-03-14
    x-imported-from: jira:PAY-3
    x-priority: Highest
    x-sprint: [PAY Sprint 1]
    ---
    The button throws.
    ");
    insta::assert_snapshot!(f.read(&f.story("S-34")), @"
    ---
    id: S-34
    title: Card payment form
    kind: story
    status: draft
    rank: 80
    estimate: 5
    epic: S-33
    labels: [billing, ui]
    created: 2025-03-14
    x-imported-from: jira:PAY-2
    x-priority: Medium
    x-sprint: [PAY Sprint 1, PAY Sprint 2]
    ---
    ## Context
    Customers type card details **once** and *never* again.
    - a `card` field
      - nested item
    1. first step
    See [the spec](https://example.com/spec).
    ```js
    pay(*amount*);
    ```
    ```
    raw *text*
    ```
    ");
    insta::assert_snapshot!(f.run(&["import", "jira-csv", "export.csv", "--status", "Blocked=draft"]), @"
    imported 0 stories from export.csv (jira)
    5 already imported, left as they are
    2 refused (see above); fix them and import again: what is imported already is kept
    ------- stderr -------
    refused: export.csv:18:1: PAY-6 has no Summary
      help: give the issue a summary in Jira, then export again
    refused: export.csv:19:1: PAY-2 is on line 3 already; this row is left out
      help: remove the repeated row, or export again
    warning: export.csv:16:1: PAY-4: `Custom field (Story Points)` is `not-a-number`, not a number of points; left out
    warning: export.csv:17:1: PAY-5: Created `yesterday` is no date this importer reads; left out
    [exit status: 1]
    ");
    let check = f.run(&["check"]);
    assert_eq!(check.code, 0, "{check}");
}

#[test]
fn list_csv_defuses_formulas() {
    let f = Fixture::example();
    f.run(&["new", "=HYPERLINK(\"http://x\",\"y\")"]);
    f.run(&["new", "@SUM(1+1), -2+3"]);
    let out = f.run(&["list", "--format", "csv", "--status", "idea"]);
    insta::assert_snapshot!(out, @r#"
    position,id,rank,status,kind,estimate,sprint,title,labels,epic,goal,score
    30,S-21,45,idea,story,,,Customer portal with all invoices,portal,,G-1,
    32,S-29,60,idea,story,,,Dark mode,ui,,,
    33,S-33,70,idea,story,,,"'=HYPERLINK(""http://x"",""y"")",,,,
    34,S-34,80,idea,story,,,"'@SUM(1+1), -2+3",,,,
    "#);
}

#[test]
fn export_jira_csv() {
    let f = Fixture::example();
    let out = f.run(&["export", "jira-csv", "--open"]);
    assert_eq!(out.code, 0);
    let head: Vec<&str> = out.stdout.lines().take(1).collect();
    insta::assert_snapshot!(head.join("\n"), @"Issue Id,Parent Id,Issue Type,Summary,Status,Story Points,Created,Labels,Labels,Description");
    // Every row reads back as CSV with the header's width.
    let mut r = csv_rows(&out.stdout);
    let width = r.remove(0).len();
    assert!(r.iter().all(|row| row.len() == width));
    insta::assert_snapshot!(format!("{:?}", r[0]), @r#"["1", "", "Epic", "Online invoice payments", "In Progress", "", "2026-09-14", "payments", "", "As a **small business owner**, I want my customers to pay invoices online, so that I get paid\nfaster and chase fewer payments.\n\n## Notes\nEverything needed for a customer to pay an invoice without leaving the email: card, wallets,\ndirect debit, receipts and refunds."]"#);
}

/// A CSV text's rows, read by the same crate the importer uses.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The real Backlog.md backlog (docs/import.md): every task comes over or is
/// named with its reason, the result checks clean, a second run changes
/// nothing.
#[test]
fn the_real_backlog_md_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/backlog-md");
    if !corpus.join("backlog/config.yml").is_file() {
        println!("skipped: {} is absent", corpus.display());
        return;
    }
    let f = Fixture::example();
    let dir = corpus.to_string_lossy().into_owned();
    let run = f.run(&["import", "backlog-md", &dir]);
    let first = run.stdout.replace(&dir, "$CORPUS");
    insta::assert_snapshot!(first, @"
    imported 674 stories from $CORPUS (backlog-md) as S-33..S-706
    added 9 goals: G-4 New Milestones UI; G-5 Agent CLI Workflow; G-6 TUI Task Composer; G-7 Bootstrap Backlog.md Project Definition with Initial Tasks; G-8 CLI Development; G-9 Kanban Board (CLI Visualization); G-10 GUI Development; G-11 GUI Kanban Board Development; G-12 Advanced GUI Features
    ");
    let refused: Vec<String> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("refused:") || l.starts_with("skipped:"))
        .map(|l| l.replace(&dir, "$CORPUS"))
        .collect();
    insta::assert_snapshot!(refused.join("\n"), @"
    skipped: $CORPUS/backlog/archive/drafts/readme.md: the folder's readme, not a task
    skipped: $CORPUS/backlog/archive/tasks/readme.md: the folder's readme, not a task
    skipped: $CORPUS/backlog/decisions: 1 file is not imported: a backlog holds stories, not decisions
    skipped: $CORPUS/backlog/docs: 3 files are not imported: a backlog holds stories, not docs
    skipped: $CORPUS/backlog/drafts/readme.md: the folder's readme, not a task
    skipped: $CORPUS/backlog/milestones/readme.md: the folder's readme, not a milestone
    skipped: $CORPUS/backlog/tasks/readme.md: the folder's readme, not a task
    ");
    assert_eq!(run.code, 0);
    let check = f.run(&["check"]);
    assert_eq!(
        check.code,
        0,
        "{}",
        check.stdout.lines().last().unwrap_or("")
    );
    let again = f.run(&["import", "backlog-md", &dir]);
    insta::assert_snapshot!(again.stdout.replace(&dir, "$CORPUS"), @"
    imported 0 stories from $CORPUS (backlog-md)
    674 already imported, left as they are
    ");
}

/// `export jira-csv > file` wrote a control character of a story as the
/// text `\u{9d}`: what goes to a file or a pipe for another tool is the
/// data, byte for byte (a terminal still gets it escaped).
#[test]
fn an_export_to_a_file_keeps_every_character_of_the_stories() {
    let f = Fixture::example();
    f.write(
        "stories/S-90-odd.md",
        "---\nid: S-90\ntitle: Odd\nstatus: draft\nrank: 90\n---\n\nA body with \u{9d} in it.\n",
    );
    let out = f.run(&["export", "jira-csv"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout.contains("A body with \u{9d} in it."),
        "{}",
        out.stdout
    );
}
