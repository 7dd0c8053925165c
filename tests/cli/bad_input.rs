//! Hostile and broken files: each gets a finding naming file and line, the
//! rest of the backlog is still checked, and nothing panics or hangs.

use crate::common::Fixture;

/// Every bad-input case: file name and contents.
fn cases() -> Vec<(&'static str, Vec<u8>)> {
    let billion_laughs = "---\nid: S-97\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n---\n";
    let mut deep_block = String::from("---\nid: S-99\ntitle: Deep\n");
    for level in 0..200 {
        deep_block.push_str(&" ".repeat(level));
        deep_block.push_str("x:\n");
    }
    deep_block.push_str("---\n");
    let mut huge = b"---\nid: S-100\ntitle: Huge\nstatus: draft\nrank: 100\n---\n".to_vec();
    huge.resize(10 * 1024 * 1024, b'a');
    vec![
        ("S-90-no-front-matter.md", b"# Export invoices\n\nJust notes, no fields.\n".to_vec()),
        ("S-91-unterminated.md", b"---\nid: S-91\ntitle: Never closed\nstatus: draft\n\nBody text\n".to_vec()),
        ("S-92-invalid-yaml.md", b"---\nid: S-92\ntitle: [unclosed\nstatus: draft\n---\n".to_vec()),
        ("S-93-not-a-mapping.md", b"---\n- id: S-93\n- title: A list\n---\n".to_vec()),
        ("S-94-duplicate-key.md", b"---\nid: S-94\ntitle: Twice\nstatus: draft\nrank: 94\nstatus: ready\n---\n".to_vec()),
        ("S-95-wrong-types.md", b"---\nid: S-95\ntitle: Types\nstatus: draft\nrank: high\nestimate: five\nlabels: urgent\ncreated: yesterday\nvalue: { business: lots }\n---\n".to_vec()),
        ("S-96-empty.md", Vec::new()),
        ("S-89-not-utf8.md", b"---\nid: S-89\ntitle: Caf\xe9 menu\n---\n".to_vec()),
        ("S-97-billion-laughs.md", billion_laughs.as_bytes().to_vec()),
        ("S-98-deep-flow.md", format!("---\nid: S-98\nx: {}{}\n---\n", "[".repeat(5000), "]".repeat(5000)).into_bytes()),
        ("S-99-deep-block.md", deep_block.into_bytes()),
        ("S-100-huge.md", huge),
        ("S-102-brackets.md", format!("---\nid: S-102\nx: {}\n---\n", "[".repeat(200 * 1024)).into_bytes()),
    ]
}

fn check_one(name: &str, content: &[u8]) -> String {
    let f = Fixture::example();
    f.write(&format!("stories/{name}"), content);
    let r = f.run(&["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    r.stdout
}

fn case(name: &str) -> Vec<u8> {
    cases().into_iter().find(|(n, _)| *n == name).unwrap().1
}

#[test]
fn no_front_matter() {
    insta::assert_snapshot!(check_one(
        "S-90-no-front-matter.md",
        &case("S-90-no-front-matter.md")
    ));
}

#[test]
fn unterminated_front_matter() {
    insta::assert_snapshot!(check_one(
        "S-91-unterminated.md",
        &case("S-91-unterminated.md")
    ));
}

#[test]
fn invalid_yaml() {
    insta::assert_snapshot!(check_one(
        "S-92-invalid-yaml.md",
        &case("S-92-invalid-yaml.md")
    ));
}

#[test]
fn front_matter_that_is_not_a_mapping() {
    insta::assert_snapshot!(check_one(
        "S-93-not-a-mapping.md",
        &case("S-93-not-a-mapping.md")
    ));
}

#[test]
fn duplicate_keys_are_located() {
    insta::assert_snapshot!(check_one(
        "S-94-duplicate-key.md",
        &case("S-94-duplicate-key.md")
    ));
}

#[test]
fn wrong_types() {
    insta::assert_snapshot!(check_one(
        "S-95-wrong-types.md",
        &case("S-95-wrong-types.md")
    ));
}

#[test]
fn empty_file() {
    insta::assert_snapshot!(check_one("S-96-empty.md", &case("S-96-empty.md")));
}

#[test]
fn non_utf8_bytes() {
    insta::assert_snapshot!(check_one("S-89-not-utf8.md", &case("S-89-not-utf8.md")));
}

#[test]
fn billion_laughs() {
    insta::assert_snapshot!(check_one(
        "S-97-billion-laughs.md",
        &case("S-97-billion-laughs.md")
    ));
}

#[test]
fn deep_flow_nesting() {
    insta::assert_snapshot!(check_one("S-98-deep-flow.md", &case("S-98-deep-flow.md")));
}

#[test]
fn deep_block_nesting() {
    insta::assert_snapshot!(check_one("S-99-deep-block.md", &case("S-99-deep-block.md")));
}

#[test]
fn ten_megabyte_file() {
    insta::assert_snapshot!(check_one("S-100-huge.md", &case("S-100-huge.md")));
}

#[test]
fn two_hundred_kilobytes_of_brackets() {
    insta::assert_snapshot!(check_one("S-102-brackets.md", &case("S-102-brackets.md")));
}

#[test]
fn sixty_kilobytes_of_brackets_are_refused_before_parsing() {
    let f = Fixture::example();
    let content = format!("---\nid: S-103\nx: {}\n---\n", "[".repeat(60 * 1024));
    f.write("stories/S-103-brackets.md", content);
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B008]: front matter nests more than 32 levels deep
     --> .backlog/stories/S-103-brackets.md:3:36
      |
    3 | x: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
      |                                    ^
      = help: flatten the value; no field of the format needs deep nesting

    failed: 1 error, 0 warnings in 33 stories and 3 sprints
    [exit status: 1]
    ");
}

#[cfg(unix)]
#[test]
fn symlink_outside_the_backlog_is_not_followed() {
    let f = Fixture::example();
    let secret = f.root().join("secret.md");
    std::fs::write(&secret, "---\nid: S-1\n---\n").unwrap();
    std::os::unix::fs::symlink("../../secret.md", f.backlog().join("stories/S-101-link.md"))
        .unwrap();
    let r = f.run(&["check"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn crlf_and_bom_are_tolerated() {
    let f = Fixture::example();
    let s = f.story("S-22");
    let text = f.read(&s).replace('\n', "\r\n");
    f.write(&s, format!("\u{feff}{text}"));
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
    insta::assert_snapshot!(f.run(&["show", "S-22"]), @"
    S-22  Import customers from a CSV file
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
    ");
}

/// All cases at once: every broken file is named with a line, and the good
/// files are still checked (an unknown status elsewhere is still reported).
#[test]
fn every_case_together_still_checks_the_rest() {
    let f = Fixture::example();
    for (name, content) in cases() {
        f.write(&format!("stories/{name}"), content);
    }
    f.edit(&f.story("S-14"), "status: in-progress", "status: doing");
    let r = f.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    for (name, _) in cases() {
        let path = format!(".backlog/stories/{name}");
        let hit = findings
            .iter()
            .find(|x| x["file"] == path.as_str() && x["severity"] == "error");
        let hit = hit.unwrap_or_else(|| panic!("no error for {name}: {}", r.stdout));
        assert!(hit["line"].as_u64().unwrap() >= 1);
    }
    assert!(findings
        .iter()
        .any(|x| x["code"] == "B023" && x["file"].as_str().unwrap().contains("S-14-")));
    // Broken files are not "unresolved" when other stories name them.
    assert!(
        !findings.iter().any(|x| x["code"] == "B030"),
        "{}",
        r.stdout
    );
}

/// A FIFO named `backlog.yaml` held every command, `check` too, until
/// something wrote to it: it is said to be unreadable, like any file.
#[cfg(unix)]
#[test]
fn a_settings_file_that_is_a_fifo_is_reported_not_waited_on() {
    let f = Fixture::example();
    let settings = f.backlog().join("backlog.yaml");
    std::fs::remove_file(&settings).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&settings).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    insta::assert_snapshot!(f.run(&["show", "S-15"]), @"
    ------- stderr -------
    error: backlog.yaml does not parse, so the workflow, done statuses and scoring model are unknown:

    error[B006]: cannot read file: not a plain file (a FIFO, device, folder or link is never read)
     --> .backlog/backlog.yaml:1:1
      = help: make backlog.yaml a plain file in the backlog folder
      help: fix backlog.yaml (see the finding above), then run the command again
    [exit status: 2]
    ");
}

/// A control character in a flow list was placed at the front matter's
/// first line, with the parser's byte offset in the message.
#[test]
fn a_control_character_in_front_matter_is_placed_where_it_is() {
    let text =
        "---\nid: S-88\ntitle: Labels\nstatus: draft\nrank: 88\nlabels: [ui, a\u{1}b]\n---\n";
    insta::assert_snapshot!(check_one("S-88-control.md", text.as_bytes()), @r#"
    error[B003]: invalid YAML: control characters are not allowed
     --> .backlog/stories/S-88-control.md:6:15
      |
    6 | labels: [ui, a\u{1}b]
      |               ^
      = help: delete the character; in a double-quoted value it can be written as an escape, like "\u0001"

    failed: 1 error, 0 warnings in 33 stories and 3 sprints
    "#);
}

/// A backlog.yaml past the size limit is said to be the settings, not a
/// story's front matter; and settings that do not load are one finding,
/// not one more for every story whose goal or status they would have named.
#[test]
fn settings_that_do_not_load_are_one_finding_not_one_per_story() {
    let f = Fixture::example();
    let settings = f.read("backlog.yaml");
    f.write(
        "backlog.yaml",
        format!("{settings}# {}\n", "x".repeat(70_000)),
    );
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B007]: backlog.yaml is 71126 bytes; the settings are limited to 65536 bytes
     --> .backlog/backlog.yaml:1:1
      = help: shorten its longest texts (the vision, long comments), or move them into a document of their own

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
    f.write("backlog.yaml", format!("{settings}extra: [unclosed\n"));
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B003]: invalid YAML: did not find expected ',' or ']'
      --> .backlog/backlog.yaml:40:1
       = help: fix the YAML syntax; quote values that contain `: ` or start with a special character

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
}

/// A FIFO named like a story was skipped without a word: `check` said the
/// backlog was clean and `show` that no story had its id. It is reported
/// (never opened to wait for a writer), and its id is not given out again.
#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_story_is_reported_not_skipped() {
    let f = Fixture::example();
    let fifo = f.backlog().join("stories/S-99.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B006]: cannot read file: not a plain file (a FIFO, device, folder or link is never read)
     --> .backlog/stories/S-99.md:1:1
      = help: make it a plain file, or move it out of the backlog folder

    failed: 1 error, 0 warnings in 33 stories and 3 sprints
    [exit status: 1]
    ");
    let created = f.run(&["new", "Next to a FIFO"]);
    assert!(created.stdout.contains("(S-100,"), "{created}");
}

/// A file name that is not UTF-8 but starts with its story's id was told
/// it does not match (B025, naming the file `.md`).
#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_still_matches_its_id() {
    use std::os::unix::ffi::OsStrExt;
    let f = Fixture::example();
    let story = f.read(&f.story("S-31")).replace("id: S-31", "id: S-53");
    let name = std::ffi::OsStr::from_bytes(b"S-53-bad\xff\xfename.md");
    std::fs::write(f.backlog().join("stories").join(name), story).unwrap();
    let codes = crate::common::finding_codes(&f.run(&["check", "--format", "json"]).stdout);
    assert!(!codes.iter().any(|c| c == "B025"), "{codes:?}");
}
