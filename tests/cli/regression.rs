//! Regression tests, each named after what it fixes.

use crate::common::{snapshot_of_files, Fixture};

/// `--at HEAD log` and `--at HEAD blame` used to need a `.backlog/` in the
/// working tree (they found the folder on disk only) while `--at HEAD list`
/// read it from the revision: every command now finds the folder one way.
#[test]
fn at_head_reads_history_when_the_working_tree_has_no_backlog() {
    let f = Fixture::example();
    std::fs::remove_dir_all(f.backlog()).unwrap();
    let list = f.run(&[
        "--at", "HEAD", "list", "--sprint", "2026-S23", "--format", "csv",
    ]);
    assert_eq!((list.code, list.stderr.as_str()), (0, ""));
    assert_eq!(list.stdout.lines().count(), 6, "{}", list.stdout);
    let log = f.run(&["--at", "HEAD", "log", "S-15", "--format", "json"]);
    assert_eq!((log.code, log.stderr.as_str()), (0, ""));
    let events: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    assert_eq!(events[0]["change"]["type"], "story_added");
    assert_eq!(events[0]["subject"]["id"], "S-15");
    let blame = f.run(&["--at", "HEAD", "blame", "S-15", "--format", "json"]);
    assert_eq!((blame.code, blame.stderr.as_str()), (0, ""));
    let lines: serde_json::Value = serde_json::from_str(&blame.stdout).unwrap();
    assert_eq!(lines[0]["field"], "id");
    assert_eq!(lines[0]["value"], "S-15");
    assert_eq!(lines[0]["summary"], "Example backlog");
    let decisions = f.run(&["--at", "HEAD", "decisions", "--format", "json"]);
    assert_eq!((decisions.code, decisions.stderr.as_str()), (0, ""));
    let entries: serde_json::Value = serde_json::from_str(&decisions.stdout).unwrap();
    assert!(
        !entries.as_array().unwrap().is_empty(),
        "{}",
        decisions.stdout
    );
    // Without --at there is nothing to read, and the error says so.
    let r = f.run(&["list"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error: no .backlog folder in "),
        "{}",
        r.stderr
    );
}

/// A symlink in `stories/` that is not a Markdown file and stays inside the
/// folder passed `check` but failed `check --at HEAD` with B009: every source
/// now lists files by one rule.
#[test]
fn a_non_markdown_symlink_is_treated_alike_on_disk_and_at_a_revision() {
    let f = Fixture::example();
    std::os::unix::fs::symlink("../sprints", f.backlog().join("stories/notes")).unwrap();
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "notes link"]);
    let on_disk = f.run(&["check"]);
    let at_head = f.run(&["--at", "HEAD", "check"]);
    assert_eq!(
        (
            on_disk.code,
            on_disk.stdout.as_str(),
            on_disk.stderr.as_str()
        ),
        (0, "ok: 32 stories and 3 sprints checked, no problems\n", "")
    );
    assert_eq!(
        (
            at_head.code,
            at_head.stdout.as_str(),
            at_head.stderr.as_str()
        ),
        (0, "ok: 32 stories and 3 sprints checked, no problems\n", "")
    );
    // A Markdown-looking link is still refused by both.
    std::os::unix::fs::symlink("S-1-x.md", f.backlog().join("stories/S-99-link.md")).unwrap();
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "md link"]);
    let codes = |r: &crate::common::Run| {
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let a = f.run(&["check", "--format", "json"]);
    let b = f.run(&["--at", "HEAD", "check", "--format", "json"]);
    assert_eq!(codes(&a), vec!["B009"]);
    assert_eq!(codes(&a), codes(&b));
}

/// `..B` meant "everything up to B" in `log` but "HEAD..B" in `diff`: both
/// now read a range the way git does, an omitted side being HEAD.
#[test]
fn an_open_range_means_the_same_in_log_and_diff() {
    let f = Fixture::example();
    f.edit(&f.story("S-22"), "rank: 22", "rank: 16");
    f.git(&["commit", "-qam", "S-22 up"]);
    // HEAD~1..HEAD and HEAD~1.. name the same commits.
    let a = f.run(&["log", "HEAD~1..HEAD", "--format", "json"]);
    let b = f.run(&["log", "HEAD~1..", "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
    let moved: serde_json::Value = serde_json::from_str(&a.stdout).unwrap();
    assert_eq!(moved.as_array().unwrap().len(), 1, "{}", a.stdout);
    assert_eq!(moved[0]["change"]["new"], "16");
    // ..HEAD~1 is HEAD..HEAD~1: no commits, in log as in git.
    let c = f.run(&["log", "..HEAD~1"]);
    assert_eq!((c.code, c.stdout.as_str()), (0, "no changes match\n"));
}

/// The statement reader sliced the original text at offsets found in a
/// lowercased copy: a Kelvin sign (three bytes, lowercased to one) made
/// `check` panic and lose the whole run.
#[test]
fn a_kelvin_sign_in_a_statement_does_not_end_the_run() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-22"),
        "As a",
        "As a K\u{212a}\u{e9}\u{e9} I want to x \u{130}\u{130} so that y.\n\nAs a",
    );
    let r = f.run(&["check"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "ok: 32 stories and 3 sprints checked, no problems\n", "")
    );
    let r = f.run(&["show", "S-22", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["statement"],
        "As a K\u{212a}\u{e9}\u{e9}, I want to x \u{130}\u{130}, so that y"
    );
}

/// Line numbers were found by counting newlines from the start for every
/// paragraph: a 1 MiB body of short paragraphs took minutes. Now linear; the
/// run's 60-second timeout (common.rs) is what fails if it regresses.
#[test]
fn a_megabyte_body_of_short_paragraphs_is_checked_in_linear_time() {
    let f = Fixture::example();
    let mut body = String::from("\n## Acceptance criteria\n");
    while body.len() < 1000 * 1000 {
        body.push_str("- [ ] x\n\np\n\n");
    }
    let path = f.story("S-22");
    let text = f.read(&path);
    f.write(&path, format!("{text}{body}"));
    let r = f.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 0, "{}", r.stdout);
    assert_eq!(r.stderr, "");
}

/// Runs several `backlog` commands at once in the fixture; their outputs in order.
fn at_once(f: &Fixture, commands: &[&[&str]]) -> Vec<crate::common::Run> {
    let children: Vec<std::process::Child> = commands
        .iter()
        .map(|args| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("backlog"))
                .args(*args)
                .current_dir(f.root())
                .env_remove("BACKLOG_DIR")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            crate::common::Run {
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                code: out.status.code().unwrap_or(-1),
            }
        })
        .collect()
}

/// Two edits of one story at once both reported success and one was lost:
/// the "changed since read" check ran before the write with no lock between.
#[test]
fn concurrent_edits_of_one_story_are_both_kept() {
    let f = Fixture::example();
    let path = f.story("S-22");
    for round in 0..8 {
        let estimate = format!("estimate={}", round + 1);
        let labels = format!("labels=round-{round}");
        let runs = at_once(
            &f,
            &[&["set", "S-22", &estimate], &["set", "S-22", &labels]],
        );
        for r in &runs {
            assert_eq!((r.code, r.stderr.as_str()), (0, ""), "round {round}");
        }
        let text = f.read(&path);
        assert!(
            text.contains(&format!("\nestimate: {}\n", round + 1)),
            "round {round}:\n{text}"
        );
        assert!(
            text.contains(&format!("\nlabels: [round-{round}]\n")),
            "round {round}:\n{text}"
        );
    }
    // A rank move and a field edit of the same story at once.
    let runs = at_once(
        &f,
        &[&["set", "S-15", "estimate=13"], &["rank", "S-15", "--top"]],
    );
    assert!(runs.iter().all(|r| r.code == 0));
    let text = f.read(&f.story("S-15"));
    assert!(text.contains("\nestimate: 13\n"), "{text}");
    let list = f.run(&["list", "--open", "--format", "csv"]);
    assert_eq!(
        list.stdout.lines().nth(1).unwrap().split(',').nth(1),
        Some("S-15")
    );
}

/// Two `new` at once wrote two files with the same id, and two `rank
/// --bottom` at once ended tied: ids and ranks are now allocated under the
/// backlog's write lock.
#[test]
fn concurrent_new_and_rank_allocate_distinct_ids_and_ranks() {
    let f = Fixture::example();
    let runs = at_once(
        &f,
        &[
            &["new", "First at once"],
            &["new", "Second at once"],
            &["new", "Third at once"],
        ],
    );
    let mut created: Vec<String> = runs
        .iter()
        .map(|r| {
            assert_eq!(r.code, 0, "{}", r.stderr);
            r.stdout
                .split('(')
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    created.sort();
    assert_eq!(created, ["S-33", "S-34", "S-35"]);
    let runs = at_once(
        &f,
        &[&["rank", "S-3", "--bottom"], &["rank", "S-4", "--bottom"]],
    );
    assert!(runs.iter().all(|r| r.code == 0));
    let check = f.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"duplicate-rank"), "{codes:?}");
    assert!(!codes.contains(&"duplicate-id"), "{codes:?}");
}

/// A writer that cannot get the lock says who holds it and exits 2, having
/// written nothing.
#[test]
fn a_busy_backlog_names_the_writer_that_holds_it() {
    let f = Fixture::example();
    let folder = std::fs::File::open(f.backlog()).unwrap();
    folder.lock().unwrap();
    let before = f.read(&f.story("S-22"));
    let out = assert_cmd::Command::cargo_bin("backlog")
        .unwrap()
        .args(["set", "S-22", "estimate=1"])
        .current_dir(f.root())
        .env("BACKLOG_LOCK_WAIT", "0.2")
        .output()
        .unwrap();
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&std::process::id().to_string(), "PID");
    let stderr = stderr.split(": ").take(2).collect::<Vec<_>>().join(": ");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr,
        "error: another command is changing .backlog (pid PID"
    );
    assert_eq!(f.read(&f.story("S-22")), before);
    drop(folder);
    assert_eq!(f.run(&["set", "S-22", "estimate=1"]).code, 0);
}

/// Runs `cmd`; whether it worked (tests that need root-only tools skip,
/// saying so, where they are not available).
fn try_run(cmd: &str, args: &[&str]) -> bool {
    std::process::Command::new(cmd)
        .args(args)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `rank --rebalance` stopped half-way when one rename failed (a file made
/// immutable): the first stories had new ranks and the rest not, and the
/// error did not say so. Now the files already replaced are put back.
#[test]
fn a_failed_rename_in_a_multi_file_write_changes_nothing() {
    let f = Fixture::example();
    let victim = f.backlog().join(f.story("S-30"));
    if !try_run("chattr", &["+i", victim.to_str().unwrap()]) {
        eprintln!("skipped: `chattr +i` is not available here (it needs root and a file system that supports it)");
        return;
    }
    let before = snapshot_of_files(&f.backlog());
    let r = f.run(&["rank", "--rebalance"]);
    try_run("chattr", &["-i", victim.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r}");
    let message = r.stderr.lines().next().unwrap();
    assert!(
        message.starts_with("error: cannot replace .backlog/stories/S-30-")
            && message.ends_with("files already replaced were restored, so nothing changed"),
        "{message}"
    );
    assert_eq!(snapshot_of_files(&f.backlog()), before);
}

/// On a disk that fills part-way, nothing is written: every new file is
/// staged (written and synced) before the first one replaces its original.
#[test]
fn a_full_disk_in_a_multi_file_write_changes_nothing() {
    let f = Fixture::empty();
    let mount = f.root().join("small");
    std::fs::create_dir_all(&mount).unwrap();
    if !try_run(
        "mount",
        &[
            "-t",
            "tmpfs",
            "-o",
            "size=400k",
            "tmpfs",
            mount.to_str().unwrap(),
        ],
    ) {
        eprintln!("skipped: cannot mount a small tmpfs here (it needs root)");
        return;
    }
    let backlog = mount.join(".backlog");
    let copy = try_run(
        "cp",
        &[
            "-r",
            crate::common::example_dir().to_str().unwrap(),
            backlog.to_str().unwrap(),
        ],
    );
    // Fill the disk to a few kilobytes short of full.
    let mut filler = std::fs::File::create(mount.join("filler")).unwrap();
    let chunk = vec![0u8; 1024];
    while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
    drop(filler);
    let full = std::fs::metadata(mount.join("filler")).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(mount.join("filler"))
        .unwrap()
        .set_len(full - 8 * 1024)
        .unwrap();
    let before = snapshot_of_files(&backlog);
    let r = crate::common::run_in(&mount, &["rank", "--rebalance"]);
    let after = snapshot_of_files(&backlog);
    let leftovers: Vec<String> = std::fs::read_dir(backlog.join("stories"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    try_run("umount", &[mount.to_str().unwrap()]);
    assert!(copy);
    assert_eq!(r.code, 2, "{r}");
    assert!(
        r.stderr
            .starts_with("error: cannot write .backlog/stories/"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    assert!(
        r.stderr
            .lines()
            .next()
            .unwrap()
            .ends_with("nothing was written"),
        "{}",
        r.stderr
    );
    assert!(after == before, "a file changed on a full disk");
    assert_eq!(leftovers, Vec::<String>::new());
}

/// The atomic rename gave an edited file to the user running the tool (a
/// file owned by uid 1234 became root's after `set`): owner and mode are kept.
#[test]
fn an_edit_keeps_the_files_owner_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let f = Fixture::example();
    let path = f.backlog().join(f.story("S-22"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let owned = std::os::unix::fs::chown(&path, Some(1234), Some(1234)).is_ok();
    let r = f.run(&["set", "S-22", "estimate=2"]);
    assert_eq!(r.code, 0, "{r}");
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    if owned {
        assert_eq!((meta.uid(), meta.gid()), (1234, 1234));
    } else {
        eprintln!("skipped the owner half: only root can give a file to another user");
    }
}

/// After a story ranked 99999999999999999999.5, `new --bottom` wrote
/// `rank: 100000000000000000000`, which the YAML layer then refused as too
/// large an integer; a long hand-written rank was refused too. Ranks of any
/// length are read exactly, and `new` re-reads what it writes.
#[test]
fn ranks_of_any_length_are_read_and_written() {
    let f = Fixture::example();
    f.edit(&f.story("S-29"), "rank: 60", "rank: 99999999999999999999.5");
    f.edit(
        &f.story("S-28"),
        "rank: 35",
        "rank: 123456789012345678901234567890",
    );
    insta::assert_snapshot!(f.session(&[
        &["new", "Next", "--bottom"],
        &["check"],
        &["list", "--format", "csv", "--status", "idea", "--status", "draft"],
    ]), @r#"
    $ backlog new Next --bottom
    created .backlog/stories/S-33-next.md (S-33, position 33 of 33)
    $ backlog check
    ok: 33 stories and 3 sprints checked, no problems
    $ backlog list --format csv --status idea --status draft
    position,id,rank,status,kind,estimate,sprint,title,labels,epic,goal,score
    23,S-25,24,draft,story,5,,Bulk export of selected invoices,export;pdf,S-2,G-2,2.6
    24,S-19,25,draft,story,8,,Partial payments of an invoice,payments,S-1,G-1,2
    26,S-23,28,draft,story,3,,Onboarding checklist,onboarding,,G-3,3
    27,S-18,30,draft,story,5,,Apple Pay and Google Pay,payments,S-1,G-1,1.6
    28,S-20,40,draft,story,13,,Multi-currency invoices,invoices;currency,,G-1,1
    29,S-21,45,idea,story,,,Customer portal with all invoices,portal,,G-1,
    30,S-32,50,draft,story,8,,"Team roles: owner, accountant, viewer",accounts,,,1.5
    31,S-29,99999999999999999999.5,idea,story,,,Dark mode,ui,,,
    32,S-28,123456789012345678901234567890,draft,story,5,,Audit log of invoice changes,invoices;audit,,G-2,3
    33,S-33,123456789012345678901234567900,idea,story,,,Next,,,,
    "#);
    assert!(f
        .read(&f.story("S-33"))
        .contains("\nrank: 123456789012345678901234567900\n"));
}

/// With two files carrying one id, `set` silently edited one of them, `show`
/// mixed the two and `rank` reported a wrong position: an ambiguous id is
/// refused, naming both files.
#[test]
fn an_ambiguous_id_is_refused_naming_both_files() {
    let f = Fixture::example();
    let copy = f
        .read(&f.story("S-22"))
        .replace("title: ", "title: Copy of ");
    f.write("stories/S-22-copy.md", copy);
    let before = snapshot_of_files(&f.backlog());
    insta::assert_snapshot!(f.session(&[
        &["set", "S-22", "estimate=1"],
        &["show", "S-22"],
        &["rank", "S-22", "--bottom"],
        &["rank", "S-3", "--before", "S-22"],
        &["rank", "S-3", "--before", "S-99"],
    ]), @"
    $ backlog set S-22 estimate=1
    ------- stderr -------
    error: `S-22` is the id of 2 files: .backlog/stories/S-22-copy.md, .backlog/stories/S-22-import-customers-from-a-csv-file.md; nothing was done
      help: give all but one of them an unused id (`backlog check` reports this as B026)
    [exit status: 2]
    $ backlog show S-22
    ------- stderr -------
    error: `S-22` is the id of 2 files: .backlog/stories/S-22-copy.md, .backlog/stories/S-22-import-customers-from-a-csv-file.md; nothing was done
      help: give all but one of them an unused id (`backlog check` reports this as B026)
    [exit status: 2]
    $ backlog rank S-22 --bottom
    ------- stderr -------
    error: `S-22` is the id of 2 files: .backlog/stories/S-22-copy.md, .backlog/stories/S-22-import-customers-from-a-csv-file.md; nothing was done
      help: give all but one of them an unused id (`backlog check` reports this as B026)
    [exit status: 2]
    $ backlog rank S-3 --before S-22
    ------- stderr -------
    error: `S-22` is the id of 2 files: .backlog/stories/S-22-copy.md, .backlog/stories/S-22-import-customers-from-a-csv-file.md; nothing was done
      help: give all but one of them an unused id (`backlog check` reports this as B026)
    [exit status: 2]
    $ backlog rank S-3 --before S-99
    ------- stderr -------
    error: no story has the id `S-99`
      help: did you mean `S-19`?
    [exit status: 2]
    ");
    assert_eq!(snapshot_of_files(&f.backlog()), before);
}

/// A symlinked `stories/` folder was followed for reads and writes: `show`
/// printed the outside file and `new` wrote outside the backlog. Folders,
/// like files, are never followed.
#[test]
fn a_symlinked_stories_folder_is_never_followed() {
    let f = Fixture::example();
    let outside = f.root().join("elsewhere");
    std::fs::rename(f.backlog().join("stories"), &outside).unwrap();
    std::os::unix::fs::symlink("../elsewhere", f.backlog().join("stories")).unwrap();
    let before = snapshot_of_files(&outside);
    let check = f.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let symlinks: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["code"] == "B009")
        .collect();
    assert_eq!(symlinks.len(), 1, "{}", check.stdout);
    assert_eq!(symlinks[0]["file"], ".backlog/stories");
    insta::assert_snapshot!(f.session(&[&["show", "S-1"], &["new", "Outside"]]), @"
    $ backlog show S-1
    ------- stderr -------
    warning: 1 file is left out: it could not be read
      .backlog/stories:1:1: symbolic link to `../elsewhere` (outside the backlog folder) is not followed
      help: `backlog check` shows each problem with its fix
    error: no story has the id `S-1`
      help: `backlog list` shows every story's id
    [exit status: 2]
    $ backlog new Outside
    ------- stderr -------
    error: .backlog/stories is a symbolic link, which is never followed; nothing was written
    [exit status: 2]
    ");
    assert_eq!(snapshot_of_files(&outside), before);
}

/// With one story's YAML broken, `list` showed one row fewer and said
/// nothing, `show` said "no story has the id", and `diff` reported the
/// story removed and its sprint re-scoped; with backlog.yaml broken, every
/// command fell back to defaults and writers still wrote.
#[test]
fn a_broken_file_is_named_never_silently_dropped() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-14"),
        "status: in-progress",
        "status: [in-progress",
    );
    let list = f.run(&["list", "--sprint", "2026-S23", "--format", "csv"]);
    insta::assert_snapshot!(list, @"
    position,id,rank,status,kind,estimate,sprint,title,labels,epic,goal,score
    13,S-10,10,in-progress,story,5,2026-S23,Export invoices as PDF,export;pdf,S-2,G-2,3.2
    14,S-24,10.5,ready,bug,3,2026-S23,Long invoices break the PDF table layout,export;pdf,S-2,G-2,6.33
    15,S-15,12.5,ready,story,8,2026-S23,DATEV export,export;datev,S-2,G-2,2.88
    16,S-16,13,review,story,3,2026-S23,Show payment fees per invoice,payments;dashboard,S-1,G-1,3.67
    ------- stderr -------
    warning: 1 file is left out: it could not be read
      .backlog/stories/S-14-export-a-month-of-invoices-as-csv.md:6:5: invalid YAML: did not find expected ',' or ']'
      help: `backlog check` shows each problem with its fix
    ");
    insta::assert_snapshot!(f.run(&["show", "S-14"]), @"
    ------- stderr -------
    warning: 1 file is left out: it could not be read
      .backlog/stories/S-14-export-a-month-of-invoices-as-csv.md:6:5: invalid YAML: did not find expected ',' or ']'
      help: `backlog check` shows each problem with its fix
    error: the file of `S-14` does not parse, so it cannot be used:

    error[B003]: invalid YAML: did not find expected ',' or ']'
     --> .backlog/stories/S-14-export-a-month-of-invoices-as-csv.md:6:5
      |
    6 | rank: 11
      |     ^^^^
      = help: fix the YAML syntax; quote values that contain `: ` or start with a special character
      help: fix the file (see the finding above), then run the command again
    [exit status: 2]
    ");
    let diff = f.run(&["diff", "HEAD"]);
    insta::assert_snapshot!(diff, @"
    backlog diff HEAD..working tree: 1 could not be read

    Could not be read in working tree (left as in HEAD; `backlog check` says why)
      ? S-14  Export a month of invoices as CSV
    ");
    f.git(&["checkout", "-q", "--", "."]);
    f.edit("backlog.yaml", "workflow:", "workflow: [");
    let before = snapshot_of_files(&f.backlog());
    insta::assert_snapshot!(f.session(&[&["list", "--open"], &["set", "S-22", "estimate=1"]]), @"
    $ backlog list --open
    ------- stderr -------
    error: backlog.yaml does not parse, so the workflow, done statuses and scoring model are unknown:

    error[B003]: invalid YAML: did not find expected ',' or ']'
      --> .backlog/backlog.yaml:18:3
       |
    18 |   done: [done, dropped]
       |   ^^^^^^^^^^^^^^^^^^^^^
       = help: fix the YAML syntax; quote values that contain `: ` or start with a special character
      help: fix backlog.yaml (see the finding above), then run the command again
    [exit status: 2]
    $ backlog set S-22 estimate=1
    ------- stderr -------
    error: backlog.yaml does not parse, so the workflow, done statuses and scoring model are unknown:

    error[B003]: invalid YAML: did not find expected ',' or ']'
      --> .backlog/backlog.yaml:18:3
       |
    18 |   done: [done, dropped]
       |   ^^^^^^^^^^^^^^^^^^^^^
       = help: fix the YAML syntax; quote values that contain `: ` or start with a special character
      help: fix backlog.yaml (see the finding above), then run the command again
    [exit status: 2]
    ");
    assert_eq!(snapshot_of_files(&f.backlog()), before);
}

/// Terminal control characters in a title were printed raw by `list` and
/// `show` (`"\e]0;pwned\a\e[2J"` retitled and cleared the terminal): every
/// output escapes them, and `check` flags them (B028).
#[test]
fn terminal_control_characters_are_shown_escaped_and_flagged() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-22"),
        "title: Import customers from a CSV file",
        "title: \"Import\\e]0;pwned\\a\\e[2J customers\"",
    );
    let runs = f.session(&[
        &["list", "--status", "ready", "--format", "table"],
        &["show", "S-22"],
        &["check"],
    ]);
    assert!(
        !runs.contains('\u{1b}') && !runs.contains('\u{7}'),
        "{runs:?}"
    );
    insta::assert_snapshot!(runs, @r#"
    $ backlog list --status ready --format table
     #  ID    RANK  STATUS  KIND   EST  SPRINT    SCORE  TITLE
    14  S-24  10.5  ready   bug      3  2026-S23   6.33  Long invoices break the PDF table layout
    16  S-15  12.5  ready   story    8  2026-S23   2.88  DATEV export
    18  S-17    20  ready   story    8  -          2.88  Pay by SEPA direct debit
    19  S-26    21  ready   spike    3  -             7  Spike: Peppol e-invoicing requirements
    20  S-31  21.5  ready   bug      2  -           6.5  Upload fails for SVG logos
    21  S-22    22  ready   story    3  -             5  Import\u{1b}]0;pwned\u{7}\u{1b}[2J customers
    22  S-27    23  ready   story    5  -           4.2  Two-factor authentication
    25  S-30    26  ready   chore    2  -             4  Remove the legacy invoice templates
    $ backlog show S-22
    S-22  Import\u{1b}]0;pwned\u{7}\u{1b}[2J customers
      kind:         story
      status:       ready
      rank:         22 (position 21 of 32)
      estimate:     3
      score:        5 (wsjf)
      goal:         G-3
      labels:       onboarding, import
      stakeholders: sales
      blocks:       S-23 (draft)
      file:         .backlog/stories/S-22-import-customers-from-a-csv-file.md

    As a new user switching from spreadsheets, I want to import my customer list from a CSV file, so that I can send my first invoice on day one

    Acceptance criteria (0 of 3 checked):
      [ ] Given a CSV with name, email and address columns, then a preview shows what will be imported
      [ ] Rows with errors are listed with their line number and skipped
      [ ] Importing the same file twice does not create duplicates
    $ backlog check
    error[B028]: the text holds the control character U+001B
     --> .backlog/stories/S-22-import-customers-from-a-csv-file.md:3:8
      |
    3 | title: "Import\e]0;pwned\a\e[2J customers"
      |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      = help: delete it; the tool prints it escaped, but other tools may not

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    "#);
}

/// Numbers read from the history index (`.git/backlog/*.json`) indexed the
/// commit list unchecked: a hand-edited index made `log` panic. An index
/// that does not hold together is rebuilt.
#[test]
fn a_tampered_history_index_is_rebuilt_not_trusted() {
    let f = Fixture::example();
    f.edit(&f.story("S-22"), "rank: 22", "rank: 16");
    f.git(&["commit", "-qam", "S-22 up"]);
    let first = f.run(&["log", "--format", "json"]);
    assert_eq!(first.code, 0);
    let dir = f.root().join(".git/backlog");
    let index = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // A head line, a line of commits, then lines of events.
    let text = std::fs::read_to_string(&index).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for line in &mut lines[2..] {
        let mut events: serde_json::Value = serde_json::from_str(line).unwrap();
        for e in events.as_array_mut().unwrap() {
            e["commit"] = serde_json::json!(999_999);
        }
        *line = events.to_string();
    }
    let tampered = lines.join("\n") + "\n";
    std::fs::write(&index, &tampered).unwrap();
    let again = f.run(&["log", "--format", "json"]);
    assert_eq!((again.code, again.stderr.as_str()), (0, ""));
    assert_eq!(again.stdout, first.stdout);
    for args in [&["blame", "S-22"][..], &["decisions"][..]] {
        std::fs::write(&index, &tampered).unwrap();
        let r = f.run(args);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?}");
    }
}

/// `set value.business=9` rewrote the whole `value:` block (comments on
/// other keys lost, `0x10` and `1e3` reformatted), and `set labels=…` on a
/// block list dropped per-item comments: nested keys and list items are
/// edited at their own lines, everything else byte for byte.
#[test]
fn nested_values_and_list_items_are_edited_in_place() {
    let f = Fixture::example();
    let path = f.story("S-22");
    let text = f.read(&path);
    let start = text.find("value:").unwrap();
    let end = start + text[start..].find('\n').unwrap() + 1;
    let block = "value:\n  business: 0x10   # hex, on purpose\n  time_criticality: 1e3\n  risk_reduction: 3\n  job_size: 3\n";
    let labels_at = text.find("labels:").unwrap();
    let labels_end = labels_at + text[labels_at..].find('\n').unwrap() + 1;
    let mut edited = text.clone();
    edited.replace_range(start..end, block);
    edited.replace_range(
        labels_at..labels_end,
        "labels:\n  - onboarding  # from the sales call\n  - import\n",
    );
    f.write(&path, &edited);
    f.git(&["commit", "-qam", "block styles"]);
    let r = f.run(&[
        "set",
        "S-22",
        "value.risk_reduction=9",
        "labels=import,onboarding,csv",
    ]);
    assert_eq!(r.code, 0, "{r}");
    let diff = std::process::Command::new("git")
        .args(["diff", "-U0", "--no-color"])
        .current_dir(f.root())
        .output()
        .unwrap();
    let diff = String::from_utf8(diff.stdout).unwrap();
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(
        changed,
        [
            "-  - onboarding  # from the sales call",
            "+  - onboarding  # from the sales call",
            "+  - csv",
            "-  risk_reduction: 3",
            "+  risk_reduction: 9",
        ]
    );
}

/// `rank --edit` wrote its list to a predictable `$TMPDIR/backlog-rank-<pid>.txt`
/// with `fs::write`, which follows a symlink another local user planted
/// there. The list is now created exclusively, with a random name, mode 0600.
#[test]
fn rank_edit_list_is_a_private_unpredictable_file() {
    let f = Fixture::example();
    let seen = f.root().join("seen.txt");
    // The "editor" records the file's name and mode, and changes nothing.
    let script = format!(
        "f() {{ stat -c '%n %a' \"$1\" > '{}'; }}; f",
        seen.display()
    );
    let out = assert_cmd::Command::cargo_bin("backlog")
        .unwrap()
        .args(["rank", "--edit"])
        .current_dir(f.root())
        .env("EDITOR", &script)
        .env("TMPDIR", f.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let seen = std::fs::read_to_string(&seen).unwrap();
    let (name, mode) = seen.trim().rsplit_once(' ').unwrap();
    assert_eq!(mode, "600");
    let name = std::path::Path::new(name)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("backlog-rank-") && name.ends_with(".txt"),
        "{name}"
    );
    // A random part, not a process id.
    let random = &name["backlog-rank-".len()..name.len() - ".txt".len()];
    assert!(
        random.len() >= 6 && random.chars().any(|c| c.is_ascii_alphabetic()),
        "{name}"
    );
    // And it is gone afterwards.
    assert!(!f.root().join(&name).exists());
}

/// `status S-23 ready` on a story that does not meet the Definition of
/// Ready succeeded and `check` then failed; `set sprint=` could overfill a
/// sprint or add to a reviewed one. A write that would add an error finding
/// is refused with that finding, unless --force.
#[test]
fn writes_that_break_the_rules_are_refused_unless_forced() {
    let f = Fixture::example();
    let before = snapshot_of_files(&f.backlog());
    insta::assert_snapshot!(f.session(&[
        &["status", "S-23", "ready"],
        &["set", "S-20", "sprint=2026-S23"],
        &["set", "S-20", "sprint=2026-S22"],
    ]), @"
    $ backlog status S-23 ready
    ------- stderr -------
    error: the change would break a rule, so nothing was written:

    error[B050]: `S-23` is `ready` but does not meet the Definition of Ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
     --> .backlog/stories/S-23-onboarding-checklist.md:5:9
      |
    5 | status: ready
      |         ^^^^^
      = help: complete the story, or move it back to an earlier status
      help: do what the finding says first, or pass --force to write it anyway
    [exit status: 2]
    $ backlog set S-20 sprint=2026-S23
    ------- stderr -------
    error: the change would break rules, so nothing was written:

    error[B060]: sprint `2026-S23` plans 37 points, over its capacity of 30
     --> .backlog/sprints/2026-S23.md:6:11
      |
    6 | capacity: 30
      |           ^^
      = help: move stories out of the sprint (`sprint:` field), or raise the capacity if the team agreed to

    error[B050]: `S-20` is planned into sprint `2026-S23` but does not meet the Definition of Ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
      --> .backlog/stories/S-20-multi-currency-invoices.md:12:9
       |
    12 | sprint: 2026-S23
       |         ^^^^^^^^
       = help: complete the story, or move it back to an earlier status
      help: do what the finding says first, or pass --force to write it anyway
    [exit status: 2]
    $ backlog set S-20 sprint=2026-S22
    ------- stderr -------
    error: the change would break rules, so nothing was written:

    error[B060]: sprint `2026-S22` plans 36 points, over its capacity of 30
     --> .backlog/sprints/2026-S22.md:6:11
      |
    6 | capacity: 30
      |           ^^
      = help: move stories out of the sprint (`sprint:` field), or raise the capacity if the team agreed to

    error[B050]: `S-20` is planned into sprint `2026-S22` but does not meet the Definition of Ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
      --> .backlog/stories/S-20-multi-currency-invoices.md:12:9
       |
    12 | sprint: 2026-S22
       |         ^^^^^^^^
       = help: complete the story, or move it back to an earlier status

    error[B065]: `S-20` is unfinished in 2026-S22, which was closed on 2026-11-20
      --> .backlog/stories/S-20-multi-currency-invoices.md:12:9
       |
    12 | sprint: 2026-S22
       |         ^^^^^^^^
       = help: plan it into an open sprint, or back into the backlog (`sprint:` removed)
      help: do what the finding says first, or pass --force to write it anyway
    [exit status: 2]
    ");
    assert_eq!(snapshot_of_files(&f.backlog()), before);
    let forced = f.run(&["status", "S-23", "ready", "--force"]);
    assert_eq!(
        (forced.code, forced.stdout.as_str()),
        (0, "S-23: status = ready\n")
    );
    assert_eq!(f.run(&["check"]).code, 1);
}

/// Deleting a stakeholder-feedback item left `log`, `check --since` and
/// `decisions` silent; linking feedback to a story listed it twice with no
/// edit mark; edits of the vision and of goals never appeared in `log`.
#[test]
fn every_change_to_feedback_goals_and_the_vision_is_an_event() {
    let f = Fixture::example();
    let sprint = "sprints/2026-S22.md";
    f.edit(
        sprint,
        "    - { from: support, note: wants bulk export for auditors, story: S-25 }\n",
        "",
    );
    f.edit(
        sprint,
        "note: asked for a portal with all their invoices, story: S-21 }",
        "note: asked for a portal with all their invoices, story: S-29 }",
    );
    f.edit(
        "backlog.yaml",
        "  Small businesses send an invoice in a minute",
        "  Small shops send an invoice in a minute",
    );
    f.edit(
        "backlog.yaml",
        "title: Bookkeepers trust the exports, status: active",
        "title: Bookkeepers trust the exports, status: done",
    );
    let since = f.run(&["check", "--since", "HEAD"]);
    f.git(&["commit", "-qam", "Review record and goals edited"]);
    let log = f.run(&["log", "HEAD~1..HEAD"]);
    let decisions = f.run(&["decisions", "2026-S22"]);
    insta::assert_snapshot!(format!("{since}---\n{log}---\n{decisions}"), @r#"
    error[B080]: the feedback from support in `2026-S22` ("wants bulk export for auditors") was deleted; recorded feedback is append-only
      --> .backlog/sprints/2026-S22.md:17:3
       |
    17 |   feedback:
       |   ^^^^^^^^^
       = help: restore it; to act on it, add `story: <id>` to the item, or record new feedback

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ---
    e325b78  2026-11-20  Pat Owner  Review record and goals edited
        backlog.yaml vision: Small businesses send an invoice in a minute and get paid in a day, and their bookkeeper never retypes a number. -> Small shops send an invoice in a minute and get paid in a day, and their bookkeeper never retypes a number.
        backlog.yaml goal G-2: Bookkeepers trust the exports (active) -> Bookkeepers trust the exports (done)
        2026-S22  feedback from customers edited: asked for a portal with all their invoices -> S-21 => asked for a portal with all their invoices -> S-29
        2026-S22  feedback from support deleted: was wants bulk export for auditors -> S-25
    ---
    2026-S22
        review decision: S-8 accepted (First real payment received during the review)  910a7c3  2026-11-20  Pat Owner
        review decision: S-9 accepted  910a7c3  2026-11-20  Pat Owner
        review decision: S-10 rejected (layout breaks on long invoices)  910a7c3  2026-11-20  Pat Owner
        review decision: S-11 accepted (Reminder wording approved by support)  910a7c3  2026-11-20  Pat Owner
        review decision: S-12 accepted  910a7c3  2026-11-20  Pat Owner
        review decision: S-13 accepted (Reconciled October to the cent)  910a7c3  2026-11-20  Pat Owner
      * feedback from support: wants bulk export for auditors -> S-25  910a7c3  2026-11-20  Pat Owner
        feedback from finance: large customers ask to pay in instalments -> S-19  910a7c3  2026-11-20  Pat Owner
      * feedback from customers: asked for a portal with all their invoices -> S-21  910a7c3  2026-11-20  Pat Owner
      * feedback from customers edited: asked for a portal with all their invoices -> S-21 => asked for a portal with all their invoices -> S-29  e325b78  2026-11-20  Pat Owner
      * feedback from support deleted: was wants bulk export for auditors -> S-25  e325b78  2026-11-20  Pat Owner

    * amended after it was first recorded: the lines above show every version
    "#);
}

/// Messages that misled: an unknown status, sprint or goal in a `list`
/// filter printed "no stories match"; `log S-99` printed nothing; blame of an
/// unknown id advised committing it; `init` below an existing backlog made a
/// second one; a statement's "a user" was shown as "an user"; and the count
/// said "1 unchecked acceptance criteria".
#[test]
fn unknown_names_get_a_did_you_mean_and_words_stay_as_written() {
    let f = Fixture::example();
    std::fs::create_dir_all(f.root().join("docs")).unwrap();
    f.edit(
        &f.story("S-22"),
        "As a **new user switching from spreadsheets**",
        "As a **user**",
    );
    insta::assert_snapshot!(f.session(&[
        &["list", "--status", "redy"],
        &["list", "--sprint", "2026-S5O"],
        &["list", "--goal", "G-9"],
        &["log", "S-99"],
        &["blame", "S-99"],
        &["status", "S-16", "done"],
    ]), @r#"
    $ backlog list --status redy
    ------- stderr -------
    error: no status is called `redy`
      help: did you mean `ready`?
    [exit status: 2]
    $ backlog list --sprint 2026-S5O
    ------- stderr -------
    error: no sprint is called `2026-S5O`
      help: did you mean `2026-S21`?
    [exit status: 2]
    $ backlog list --goal G-9
    ------- stderr -------
    error: no goal is called `G-9`
      help: did you mean `G-1`?
    [exit status: 2]
    $ backlog log S-99
    ------- stderr -------
    error: no story or sprint `S-99` appears in this history
      help: did you mean `S-19`?
    [exit status: 2]
    $ backlog blame S-99
    ------- stderr -------
    error: no story has the id `S-99` at HEAD
      help: did you mean `S-19`?
    [exit status: 2]
    $ backlog status S-16 done
    ------- stderr -------
    error: `S-16` has 2 unchecked acceptance criteria: "Given a paid invoice, then its page shows the amount paid, the fee and the net payout", "The monthly CSV export has a fee column"; nothing was written
      help: check them in the story file (`- [x]`), or pass --force to record it as done anyway
    [exit status: 2]
    "#);
    let r = crate::common::run_in(&f.root().join("docs"), &["init"]);
    insta::assert_snapshot!(r, @"
    ------- stderr -------
    error: there is already a backlog at ../.backlog, which commands run here use
      help: use that one, or pass --force to create a second backlog here
    [exit status: 2]
    ");
    let show = f.run(&["show", "S-22"]);
    assert!(
        show.stdout.contains("\nAs a user, I want"),
        "{}",
        show.stdout
    );
}

/// An unquoted comma in a flow mapping (`note: pick up first, we have no
/// drivers`) was reported as an unknown field with advice to prefix `x-`;
/// the fix is quoting, and the finding says so.
#[test]
fn an_unquoted_comma_in_a_flow_mapping_says_to_quote() {
    let f = Fixture::example();
    f.edit(
        "sprints/2026-S22.md",
        "{ from: finance, note: large customers ask to pay in instalments, story: S-19 }",
        "{ from: finance, note: pick up first, we have no drivers, story: S-19 }",
    );
    insta::assert_snapshot!(f.run(&["check"]), @r#"
    warning[B022]: `we have no drivers` reads as a field with no value: a comma in an unquoted value ends it
      --> .backlog/sprints/2026-S22.md:19:7
       |
    19 |     - { from: finance, note: pick up first, we have no drivers, story: S-19 }
       |       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
       = help: quote the value that holds the comma, like `note: "pick up first, we have no drivers"`

    ok: 0 errors, 1 warning in 32 stories and 3 sprints
    "#);
}

/// `--at` only reads objects, yet failed in a bare repository ("no working
/// tree"): it now reads the backlog of any revision there.
#[test]
fn at_reads_a_bare_repository() {
    let f = Fixture::example();
    let bare = f.root().join("bare.git");
    let ok = std::process::Command::new("git")
        .args(["clone", "-q", "--bare", ".", bare.to_str().unwrap()])
        .current_dir(f.root())
        .status()
        .unwrap();
    assert!(ok.success());
    let r = crate::common::run_in(
        &bare,
        &[
            "--at", "HEAD", "list", "--sprint", "2026-S23", "--format", "csv",
        ],
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{r}");
    assert_eq!(r.stdout.lines().count(), 6);
    let r = crate::common::run_in(&bare, &["--at", "HEAD", "log", "S-15", "--format", "json"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{r}");
}

/// A SHA-256 repository gave "not in a git repository (Repository
/// configuration could not be loaded)": it now says what is not supported.
#[test]
fn a_sha256_repository_is_named_as_such() {
    let f = Fixture::empty();
    let ok = std::process::Command::new("git")
        .args(["init", "-q", "--object-format=sha256"])
        .current_dir(f.root())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: this git cannot create a SHA-256 repository");
        return;
    }
    std::fs::create_dir_all(f.backlog()).unwrap();
    insta::assert_snapshot!(f.run(&["--at", "HEAD", "list"]), @"
    ------- stderr -------
    error: this repository uses SHA-256 object ids, which backlog does not read yet
      help: commands that read the working tree (check, list, show, set, …) work; history, --at and diff need a SHA-1 repository for now
    [exit status: 2]
    ");
}

/// `log --all-parents` computed positions on a merged branch against a
/// state that already held main's changes of the same time: a story that
/// was first on its branch showed "position 2 -> 2". Each commit is now
/// compared with its own parent's backlog.
#[test]
fn all_parents_positions_are_those_of_the_commits_own_branch() {
    let f = Fixture::example();
    f.git(&["branch", "side"]);
    // On main a story goes ahead of everything...
    f.edit(&f.story("S-4"), "rank: 2", "rank: 0.1");
    f.git(&["commit", "-qam", "main: S-4 first"]);
    // ...and later, on the side branch (without it), S-3 stays first.
    f.git(&["checkout", "-q", "side"]);
    f.edit(&f.story("S-3"), "rank: 1", "rank: 0.5");
    f.git(&["commit", "-qam", "side: S-3 nudged"]);
    f.git(&["checkout", "-q", "main"]);
    f.git(&["merge", "-q", "--no-ff", "-m", "Merge side", "side"]);
    let r = f.run(&["log", "--all-parents", "--priority", "--format", "json"]);
    assert_eq!(r.code, 0, "{r}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let moves: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}: {} -> {}",
                e["summary"].as_str().unwrap(),
                e["subject"]["id"].as_str().unwrap(),
                e["change"]["old_position"],
                e["change"]["new_position"]
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            "side: S-3 nudged S-3: 1 -> 1",
            "main: S-4 first S-4: 2 -> 1"
        ]
    );
}

/// `show` never printed the story's description (the body's own words
/// beside the statement and the criteria).
#[test]
fn show_prints_the_description() {
    let f = Fixture::example();
    let show = f.run(&["show", "S-10", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(
        v["description"],
        serde_json::json!(["Rejected at the 2026-S22 review: the line-item table broke on long invoices. Carried into 2026-S23 together with the follow-up S-24."])
    );
}

/// A capacity or an estimate of twenty digits was written as typed, and the
/// YAML loader reads such a number back as text: `sprint new` wrote a file
/// that `check` then failed, and `set` refused with a puzzling message.
#[test]
fn huge_numbers_are_written_so_they_read_back_as_numbers() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[
        &["sprint", "new", "2027-S1", "--start", "2027-01-04", "--end", "2027-01-15", "--capacity", "100000000000000000000"],
        &["set", "S-23", "estimate=100000000000000000000"],
        &["check"],
    ]), @"
    $ backlog sprint new 2027-S1 --start 2027-01-04 --end 2027-01-15 --capacity 100000000000000000000
    created .backlog/sprints/2027-S1.md
    $ backlog set S-23 estimate=100000000000000000000
    S-23: estimate = 1e20
    $ backlog check
    ok: 32 stories and 4 sprints checked, no problems
    ");
    assert_eq!(
        f.read("sprints/2027-S1.md"),
        "---\nid: 2027-S1\nstart: 2027-01-04\nend: 2027-01-15\ncapacity: 1e20\n---\n"
    );
    assert!(f.read(&f.story("S-23")).contains("\nestimate: 1e20\n"));
}

/// `blame` reads only the file named for the story (`S-2-….md`); a story in
/// a file named otherwise, or a file named for one id holding another, is
/// still found by its front-matter id, never mistaken.
#[test]
fn blame_finds_a_story_whose_file_is_named_otherwise() {
    let f = Fixture::example();
    let s22 = f.story("S-22");
    f.git(&[
        "mv",
        &format!(".backlog/{s22}"),
        ".backlog/stories/customers.md",
    ]);
    // A file named for S-9 that holds S-12.
    let s12 = f.story("S-12");
    f.git(&[
        "mv",
        &format!(".backlog/{s12}"),
        ".backlog/stories/S-9-old-name.md",
    ]);
    f.git(&["commit", "-q", "-m", "Rename two files"]);
    for id in ["S-22", "S-12", "S-9"] {
        let r = f.run(&["blame", id, "--format", "json"]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{id}");
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let line = v
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["field"] == "id")
            .unwrap();
        assert_eq!(line["value"], id, "{id}");
    }
}

/// Conflict markers left by a merge were reported as a YAML syntax error
/// ("could not find expected ':'"), which does not say what happened.
#[test]
fn an_unfinished_merge_is_named_as_such() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-22"),
        "rank: 22\n",
        "<<<<<<< ours:.backlog/stories/S-22.md\nrank: 70\n=======\nrank: 4.7\n>>>>>>> theirs:.backlog/stories/S-22.md\n",
    );
    f.edit(
        &f.story("S-9"),
        "## Acceptance criteria",
        "<<<<<<< ours\nOne way.\n=======\nThe other.\n>>>>>>> theirs\n\n## Acceptance criteria",
    );
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B011]: an unfinished merge left its conflict markers here
     --> .backlog/stories/S-22-import-customers-from-a-csv-file.md:6:1
      |
    6 | <<<<<<< ours:.backlog/stories/S-22.md
      | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      = help: keep what you decide between `<<<<<<<` and `>>>>>>>`, delete the marker lines, then `git add` the file (docs/merge.md)

    error[B011]: an unfinished merge left its conflict markers here
      --> .backlog/stories/S-9-email-a-receipt-after-payment.md:20:1
       |
    20 | <<<<<<< ours
       | ^^^^^^^^^^^^
       = help: keep what you decide between `<<<<<<<` and `>>>>>>>`, delete the marker lines, then `git add` the file (docs/merge.md)

    failed: 2 errors, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
}

/// `import` gave new stories the next free ids of the working tree only;
/// an id already taken on another branch came back (`new` avoided those).
#[test]
fn import_skips_ids_taken_on_other_branches() {
    let f = Fixture::example();
    f.git(&["checkout", "-q", "-b", "other"]);
    f.write(
        "stories/S-33-elsewhere.md",
        "---\nid: S-33\ntitle: Elsewhere\nstatus: draft\nrank: 990\n---\n",
    );
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-m", "S-33 on another branch"]);
    f.git(&["checkout", "-q", "-"]);
    let csv =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jira-all-fields.csv");
    std::fs::copy(csv, f.root().join("export.csv")).unwrap();
    let r = f.run(&[
        "import",
        "jira-csv",
        "export.csv",
        "--status",
        "Blocked=draft",
    ]);
    assert_eq!(
        r.stdout.lines().next(),
        Some("imported 5 stories from export.csv (jira) as S-34..S-38"),
        "{r}"
    );
}

/// A `rank:` line inside a quoted title written over several lines looked
/// like the rank's key to the line scanners, and its digits were taken as
/// the rank (5, where the parser reads 10). The scanners now read a quoted
/// or flow value to its close (`syntax::document::opens_over_lines`).
#[test]
fn a_rank_line_inside_a_quoted_title_is_not_the_rank() {
    let f = Fixture::example();
    f.write(
        "stories/S-90-export.md",
        "---\nid: S-90\ntitle: \"Export invoices\nrank: 5\nas PDF\"\nrank: 10.50\nstatus: draft\n---\n",
    );
    f.write(
        "stories/S-91-import.md",
        "---\nid: S-91\ntitle: 'Import\nrank: \"7\"\nlater'\nrank: \"12\"\nstatus: draft\n---\n",
    );
    let rank = |id: &str| {
        let row = list_row(&f, &[], id);
        Some((row["title"].clone(), row["rank"].clone()))
    };
    assert_eq!(
        rank("S-90"),
        Some((
            serde_json::json!("Export invoices rank: 5 as PDF"),
            serde_json::json!("10.5")
        ))
    );
    assert_eq!(
        rank("S-91"),
        Some((
            serde_json::json!("Import rank: \"7\" later"),
            serde_json::json!("12")
        ))
    );
}

/// A `rank:` line inside a title in quotes over several lines was taken for
/// the rank's place: `rank` printed the move and then refused to write it
/// ("spans several lines"). The line scanners now read such a value to its
/// closing quote, and the move edits the rank's own line.
#[test]
fn a_rank_move_edits_the_rank_below_a_title_over_lines() {
    let f = Fixture::example();
    let story = "---\nid: S-90\ntitle: \"Export invoices\nrank: 5\nas PDF\"\nrank: 10.50\nstatus: draft\n---\nNotes.\n";
    f.write("stories/S-90-export.md", story);
    let r = f.run(&["rank", "S-90", "--after", "S-3"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    assert_eq!(
        f.read("stories/S-90-export.md"),
        story.replace(
            "rank: 10.50\n",
            &format!(
                "rank: {}\n",
                list_row(&f, &[], "S-90")["rank"].as_str().unwrap()
            )
        )
    );
    assert!(f
        .read("stories/S-90-export.md")
        .contains("rank: 5\nas PDF\""));
    let list = f.run(&["list", "--format", "csv"]);
    let order: Vec<&str> = list
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap_or(""))
        .collect();
    let at = |id: &str| order.iter().position(|x| *x == id).unwrap();
    assert_eq!(at("S-90"), at("S-3") + 1, "{}", list.stdout);
}

/// The row `list --format json` (after the global options `before`)
/// gives `id`; the run must be clean.
fn list_row(f: &Fixture, before: &[&str], id: &str) -> serde_json::Value {
    let args: Vec<&str> = before
        .iter()
        .copied()
        .chain(["list", "--format", "json"])
        .collect();
    let r = f.run(&args);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .find(|row| row["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no row for {id}"))
}

/// `rank` printed the move (`S-93: position … -> 1, …`) before writing
/// it, so a write the tool refused still read as done above its error. The
/// file is written first, and a refusal prints its error alone.
#[test]
fn a_refused_rank_move_prints_only_its_error() {
    let f = Fixture::example();
    let story =
        "---\nid: S-93\ntitle: Plain rank over two lines\nrank: 10\n  5\nstatus: draft\n---\n";
    f.write("stories/S-93-z.md", story);
    let r = f.run(&["rank", "S-93", "--top"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "error: .backlog/stories/S-93-z.md: `rank` spans several lines in a form the tool does not rewrite; edit it by hand\n"
        )
    );
    assert_eq!(f.read("stories/S-93-z.md"), story);
}

/// With `refs/replace/` in the repository, the pack readers (which read
/// the packed originals) are not used and gix's lookup applies the
/// replacement: a revision reads as `git log` and `git show` read it.
#[test]
fn a_replaced_story_reads_as_replaced_at_a_revision() {
    let f = Fixture::example();
    let git_out = |args: &[&str]| f.git_stdout(args);
    let path = ".backlog/stories/S-3-send-an-invoice-by-email.md";
    let original = git_out(&["rev-parse", &format!("HEAD:{path}")]);
    let text = f.read("stories/S-3-send-an-invoice-by-email.md").replacen(
        "title: Send an invoice by email",
        "title: Send an invoice by post",
        1,
    );
    let copy = f.root().join("replacement.md");
    std::fs::write(&copy, text).unwrap();
    let replacement = git_out(&["hash-object", "-w", copy.to_str().unwrap()]);
    git_out(&["replace", &original, &replacement]);
    git_out(&["repack", "-adq"]);
    let title = list_row(&f, &["--at", "HEAD"], "S-3")["title"].clone();
    assert_eq!(title, serde_json::json!("Send an invoice by post"));
}

/// `diff` read the base's bodies only where the files differ, but it pairs
/// stories by id: with an id in two files (a story copied, its id left as it
/// was), the copy was compared with a story whose body was not read, and the
/// diff showed the statement and every criterion as added.
#[test]
fn a_story_copied_with_its_id_shows_no_body_change_in_diff() {
    let f = Fixture::example();
    copy_s10_with_its_id(&f);
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "copy S-10"]);
    insta::assert_snapshot!(f.run(&["diff", "HEAD~1..HEAD"]), @"
    backlog diff HEAD~1..HEAD: 1 moved (20 other stories shifted), 1 story changed, 1 sprint re-scoped

    Moved
      S-10  Copied story  13 -> 14 (down), rank 10 -> 10, now between S-10 and S-24

    Changed
      S-10  Copied story
          title Export invoices as PDF -> Copied story

    Sprint scope
      2026-S23: 24 -> 29 points (+5) of 30;
    ");
}

/// S-10 copied to another file, its id left as it was, under another title.
fn copy_s10_with_its_id(f: &Fixture) {
    let text = std::fs::read_to_string(f.backlog().join(f.story("S-10"))).unwrap();
    let copy = text.replace("title: Export invoices as PDF", "title: Copied story");
    std::fs::write(f.backlog().join("stories/S-99-copy.md"), copy).unwrap();
}

/// `diff` reads neither side's body of a story whose body is the same on
/// both (a status changed, the text not). Where an id is in two files every
/// body is read again, and then on both sides: read on one alone, the story
/// showed its statement and criteria as removed.
#[test]
fn a_story_whose_front_matter_alone_changed_shows_no_body_change_beside_a_copy() {
    let f = Fixture::example();
    copy_s10_with_its_id(&f);
    f.edit(&f.story("S-22"), "status: ready", "status: in-progress");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "copy S-10, start S-22"]);
    insta::assert_snapshot!(f.run(&["diff", "HEAD~1..HEAD"]), @"
    backlog diff HEAD~1..HEAD: 1 moved (20 other stories shifted), 2 stories changed, 1 sprint re-scoped

    Moved
      S-10  Copied story  13 -> 14 (down), rank 10 -> 10, now between S-10 and S-24

    Changed
      S-10  Copied story
          title Export invoices as PDF -> Copied story
      S-22  Import customers from a CSV file
          status ready -> in-progress

    Sprint scope
      2026-S23: 24 -> 29 points (+5) of 30;
    ");
}

/// `diff` pairs stories by id, and read no body of a file whose body was
/// the same on both sides: with S-22's file removed and S-10's file saying
/// S-22, S-22 was compared with a story whose body was not read, and its
/// statement showed as removed, its new criteria not at all.
#[test]
fn an_id_moved_to_another_file_shows_its_body_change_in_diff() {
    let f = Fixture::example();
    std::fs::remove_file(f.backlog().join(f.story("S-22"))).unwrap();
    f.edit(&f.story("S-10"), "id: S-10", "id: S-22");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "S-10's file says S-22"]);
    insta::assert_snapshot!(f.run(&["diff", "HEAD~1..HEAD"]), @"
    backlog diff HEAD~1..HEAD: 1 removed, 1 moved (11 other stories shifted), 1 story changed, 1 sprint re-scoped

    Removed
      - S-10  Export invoices as PDF  (was position 13)

    Moved
      S-22  Export invoices as PDF  21 -> 13 (up), rank 22 -> 10, now between S-13 and S-24

    Changed
      S-22  Export invoices as PDF
          title Import customers from a CSV file -> Export invoices as PDF
          status ready -> in-progress
          estimate 3 -> 5
          epic none -> S-2
          goal G-3 -> G-2
          labels onboarding, import -> export, pdf
          depends_on none -> S-7
          stakeholders sales -> finance, support
          value business: 8, job_size: 3, risk_reduction: 2, time_criticality: 5 -> business: 8, job_size: 5, risk_reduction: 3, time_criticality: 5
          sprint none -> 2026-S23
          created 2026-10-22 -> 2026-10-06
          criterion added: Given an issued invoice, when I choose Export, then a PDF named after the invoice number downloads
          criterion added: The PDF shows the logo, addresses, line items, VAT breakdown and totals
          criterion added: Given an invoice with more than 40 lines, then the table continues on the next page with its header repeated
          criterion removed: Given a CSV with name, email and address columns, then a preview shows what will be imported
          criterion removed: Rows with errors are listed with their line number and skipped
          criterion removed: Importing the same file twice does not create duplicates
          statement: As a [-new user-]{+finance+} [-switching from spreadsheets,-]{+clerk,+} I want to [-import-]{+export+} [-my-]{+an+} [-customer-]{+invoice+} [-list-]{+as+} [-from-]{+PDF,+} [-a CSV file, -]so that I can send [-my-]{+it to+} [-first-]{+a+} [-invoice-]{+customer+} [-on-]{+without+} [-day-]{+retyping+} [-one-]{+it+}

    Sprint scope
      2026-S23: 24 -> 24 points (+0) of 30; added S-22; removed S-10
    ");
}

/// git's names are read as UTF-8, lossily: a link and a story file whose
/// names differ only in bytes that are not UTF-8 read as one path. `diff`
/// took the link for a second copy of the story, and showed it moved in
/// every later range.
#[test]
fn a_link_named_like_a_story_file_shows_no_move_in_diff() {
    use std::os::unix::ffi::OsStrExt;
    let f = Fixture::example();
    let stories = f.backlog().join("stories");
    let name = |last: u8| {
        std::ffi::OsStr::from_bytes(&[b"S-72-".as_slice(), &[last], b".md"].concat()).to_owned()
    };
    let text = std::fs::read_to_string(f.backlog().join(f.story("S-14"))).unwrap();
    std::fs::write(
        stories.join(name(0xfc)),
        text.replace("id: S-14", "id: S-72"),
    )
    .unwrap();
    std::os::unix::fs::symlink("S-1-online-invoice-payments.md", stories.join(name(0xfd))).unwrap();
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "a story and a link"]);
    std::fs::write(f.backlog().join("../other"), "x\n").unwrap();
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "something else"]);
    insta::assert_snapshot!(f.run(&["diff", "HEAD~1..HEAD"]), @"
    backlog diff HEAD~1..HEAD: no changes to the backlog

    note: 1 file in HEAD~1 does not parse and is left out:
      .backlog/stories/S-72-�.md:1:1: symbolic link to `S-1-online-invoice-payments.md` (elsewhere in the backlog folder) is not followed
    ");
}

/// `blame ID` and `decisions` read from the index only the events about
/// what they show; a commit number made up on any other event still makes
/// the index rebuilt, not trusted.
#[test]
fn a_tampered_event_about_another_story_rebuilds_the_index() {
    let f = Fixture::example();
    f.edit(&f.story("S-22"), "rank: 22", "rank: 16");
    f.git(&["commit", "-qam", "S-22 up"]);
    let blame = f.run(&["blame", "S-22"]);
    let decisions = f.run(&["decisions"]);
    let index = f.root().join(".git/backlog/history-v3-_backlog-first.json");
    let text = std::fs::read_to_string(&index).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut tampered_events = 0;
    for line in &mut lines[2..] {
        let mut events: serde_json::Value = serde_json::from_str(line).unwrap();
        for e in events.as_array_mut().unwrap() {
            if e["subject"]["id"] == "S-3" {
                e["commit"] = serde_json::json!(999_999);
                tampered_events += 1;
            }
        }
        *line = events.to_string();
    }
    assert!(tampered_events > 0, "S-3 has events in the index");
    let tampered = lines.join("\n") + "\n";
    for (args, before) in [
        (&["blame", "S-22"][..], &blame),
        (&["decisions"][..], &decisions),
    ] {
        std::fs::write(&index, &tampered).unwrap();
        let r = f.run(args);
        assert_eq!(r.to_string(), before.to_string(), "{args:?}");
        assert_eq!(
            std::fs::read_to_string(&index).unwrap(),
            text,
            "{args:?} rebuilt the index"
        );
    }
}

/// The history index's head says how many events follow, and the read
/// reserved room for that many: a head saying 10^17 ended every history
/// command with a panic until `.git/backlog` was deleted. It is rebuilt.
#[test]
fn a_huge_event_count_in_the_history_index_is_rebuilt_not_a_panic() {
    let f = Fixture::example();
    f.edit(&f.story("S-22"), "rank: 22", "rank: 16");
    f.git(&["commit", "-qam", "S-22 up"]);
    let commands: &[&[&str]] = &[
        &["log"],
        &["log", "S-22"],
        &["blame", "S-22"],
        &["decisions"],
    ];
    let before: Vec<String> = commands.iter().map(|c| f.run(c).to_string()).collect();
    let index = f.root().join(".git/backlog/history-v3-_backlog-first.json");
    let text = std::fs::read_to_string(&index).unwrap();
    let (head, rest) = text.split_once('\n').unwrap();
    let mut head: serde_json::Value = serde_json::from_str(head).unwrap();
    head["events"] = serde_json::json!(100_000_000_000_000_000u64);
    let tampered = format!("{head}\n{rest}");
    for (args, before) in commands.iter().zip(&before) {
        std::fs::write(&index, &tampered).unwrap();
        assert_eq!(f.run(args).to_string(), *before, "{args:?}");
        assert_eq!(
            std::fs::read_to_string(&index).unwrap(),
            text,
            "{args:?} rebuilt the index"
        );
    }
}

/// Text in angle brackets is raw HTML to CommonMark: a criterion "a PDF
/// named <INV-1>.pdf downloads" lost its `<INV-1>` in `show`, `log`, the
/// refusal of `status done` and the site. It is kept as written.
#[test]
fn text_in_angle_brackets_is_kept_in_criteria() {
    let f = Fixture::example();
    f.write(
        "stories/S-90-pdf-names.md",
        "---\nid: S-90\ntitle: PDF names\nstatus: draft\nrank: 90\n---\n\n\
         ## Acceptance criteria\n\n- [ ] a PDF named <INV-1>.pdf downloads\n",
    );
    let shown = f.run(&["show", "S-90", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    insta::assert_snapshot!(v["acceptance_criteria"][0]["text"], @r#""a PDF named <INV-1>.pdf downloads""#);
    let out = f.root().join("site");
    f.run(&["render", "--out", out.to_str().unwrap()]);
    let page = std::fs::read_to_string(out.join("story-S-90.html")).unwrap();
    assert!(
        page.contains("a PDF named &lt;INV-1&gt;.pdf downloads"),
        "{page}"
    );
}

/// Three answers a new user found wanting: `forecast --velocity 0` said to
/// give --velocity; `--at REV rank --by MODEL`, which writes nothing, was
/// refused as a write; `render --out FILE` named no way out.
#[test]
fn a_zero_velocity_a_suggestion_at_a_revision_and_a_file_as_the_site_folder() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.run(&["forecast", "--velocity", "0"]), @"
    ------- stderr -------
    error: --velocity must be more than 0 points
      help: give the points a sprint is expected to finish, e.g. --velocity 20
    [exit status: 2]
    ");
    let at = f.run(&["--at", "HEAD", "rank", "--by", "wsjf"]);
    assert_eq!(at.code, 0, "{at}");
    assert_eq!(at.stdout, f.run(&["rank", "--by", "wsjf"]).stdout);
    let applied = f.run(&["--at", "HEAD", "rank", "--by", "wsjf", "--apply"]);
    assert_eq!(applied.code, 2, "{applied}");
    let out = f.root().join("site.html");
    std::fs::write(&out, "not a folder\n").unwrap();
    let run = f.run(&["render", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{run}");
    let help = run.stderr.lines().last().unwrap_or_default();
    insta::assert_snapshot!(help, @"  help: --out names the folder the site is written to, and this is a file; name a folder");
}

/// `rank --to 99` in a backlog of 32 stories moved the story last without
/// a word, where `--to 0` is refused, and said nothing either of a story
/// already last. A position within says nothing more.
#[test]
fn a_position_past_the_end_places_the_story_last_and_says_so() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.run(&["rank", "S-7", "--to", "3"]), @"S-7: position 5 -> 3, rank 4.5 -> 2.5");
    insta::assert_snapshot!(f.run(&["rank", "S-7", "--to", "99"]), @"
    S-7: position 3 -> 32, rank 2.5 -> 70
    ------- stderr -------
    note: position 99 is past the end of the backlog; placed last, at 32
    ");
    insta::assert_snapshot!(f.run(&["rank", "S-7", "--to", "33"]), @"
    S-7 is already there (position 32)
    ------- stderr -------
    note: position 33 is past the end of the backlog; placed last, at 32
    ");
}

/// `sprint plan` showed a story with no estimate as 0 points, and "24 of
/// 10 points" without saying that the sprint is over its capacity.
#[test]
fn sprint_plan_says_unestimated_and_over_capacity() {
    let f = Fixture::example();
    let day = [("BACKLOG_TODAY", "2026-11-25")];
    let plan = f.run_env(&day, &["sprint", "plan", "2026-S23", "--capacity", "10"]);
    insta::assert_snapshot!(plan.stdout.lines().last().unwrap_or_default(), @"24 of 10 points: over capacity by 14");
    let full = f.run_env(&day, &["sprint", "plan", "2026-S23"]).stdout;
    let dark = full
        .lines()
        .find(|l| l.contains("S-29"))
        .unwrap_or_default();
    insta::assert_snapshot!(dark, @"   32  S-29        -  Dark mode: not ready: no `estimate`; no acceptance criteria (a list under an `## Acceptance criteria` heading)");
}

/// With no `stories/` folder, `new` failed naming a temporary file and
/// saying nothing of what to do; the folder is made.
#[test]
fn new_makes_the_stories_folder_of_a_backlog_that_has_none() {
    let f = Fixture::example();
    std::fs::remove_dir_all(f.backlog().join("stories")).unwrap();
    insta::assert_snapshot!(f.run(&["new", "First story"]), @"created .backlog/stories/S-33-first-story.md (S-33, position 1 of 1)");
    assert!(f.backlog().join("stories").is_dir());
}

/// An HTML comment in a criterion is a note to the file's readers: kept
/// out of the criterion's words, as it was before tags were kept.
#[test]
fn an_html_comment_in_a_criterion_is_not_its_words() {
    let f = Fixture::example();
    f.write(
        "stories/S-90-notes.md",
        "---\nid: S-90\ntitle: Notes\nstatus: draft\nrank: 90\n---\n\n\
         ## Acceptance criteria\n\n- [ ] export works <!-- ask Sam --> for <b>all</b> months\n",
    );
    let shown = f.run(&["show", "S-90", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    insta::assert_snapshot!(v["acceptance_criteria"][0]["text"], @r#""export works for <b>all</b> months""#);
}
