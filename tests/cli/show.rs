//! `show ID`: one story with computed fields.

use crate::common::Fixture;

#[test]
fn shows_position_score_and_dependencies() {
    let f = Fixture::example();
    let r = f.run(&["show", "S-15"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn epic_lists_its_stories() {
    let f = Fixture::example();
    let r = f.run(&["show", "S-2"]);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn missing_score_inputs_are_named() {
    let f = Fixture::example();
    f.edit(&f.story("S-27"), "time_criticality: 3, ", "");
    insta::assert_snapshot!(f.run(&["show", "S-27"]), @"
    S-27  Two-factor authentication
      kind:         story
      status:       ready
      rank:         23 (position 22 of 32)
      estimate:     5
      score:        unknown: missing value.time_criticality (wsjf)
      labels:       security
      stakeholders: security
      blocks:       S-32 (draft)
      file:         .backlog/stories/S-27-two-factor-authentication.md

    As an account owner, I want to protect my login with a second factor, so that nobody can issue invoices in my name with a stolen password

    Acceptance criteria (0 of 3 checked):
      [ ] Given 2FA is on, when I log in, then I am asked for a code from my authenticator app
      [ ] Ten one-time recovery codes are shown once when 2FA is turned on
      [ ] An owner can require 2FA for every user of the account
    ");
}

#[test]
fn json() {
    let f = Fixture::example();
    let r = f.run(&["show", "S-10", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["position"], 13);
    assert_eq!(v["of"], 32);
    assert_eq!(v["score"], 3.2);
    assert_eq!(v["blocks"][0]["id"], "S-25");
    assert_eq!(v["acceptance_criteria"].as_array().unwrap().len(), 3);
}

#[test]
fn unknown_id_suggests_a_close_one() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.run(&["show", "S-155"]), @"
    ------- stderr -------
    error: no story has the id `S-155`
      help: did you mean `S-15`?
    [exit status: 2]
    ");
}

/// On Unix a `\` is part of a file's name: `show` and `list` name the file
/// as it is, not with a `/` in its place (a file that is not there).
#[cfg(unix)]
#[test]
fn a_backslash_in_a_file_name_is_shown_as_written() {
    let f = Fixture::example();
    let from = f.backlog().join(f.story("S-29"));
    std::fs::rename(&from, f.backlog().join("stories/S-29-dark\\mode.md")).unwrap();
    let shown = f.run(&["show", "S-29"]);
    let file = shown.stdout.lines().find(|l| l.contains("file:")).unwrap();
    insta::assert_snapshot!(file.trim(), @"file:         .backlog/stories/S-29-dark\\mode.md");
    let json = f.run(&["list", "--format", "json"]).stdout;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let row = rows.iter().find(|r| r["id"] == "S-29").unwrap();
    assert_eq!(row["file"], ".backlog/stories/S-29-dark\\mode.md");
}
