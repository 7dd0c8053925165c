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
    let r = f.run(&["show", "S-27"]);
    assert!(
        r.stdout
            .contains("  score:        unknown: missing value.time_criticality (wsjf)\n"),
        "{}",
        r.stdout
    );
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
    let r = f.run(&["show", "S-155"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: no story has the id `S-155`\n  help: did you mean `S-15`?\n"
    );
}
