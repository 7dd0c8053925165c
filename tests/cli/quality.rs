//! Story-quality rules on deliberate defects (statements from Dalpiaz's
//! public user-story sets, CC BY 4.0, set and line in each comment).

use crate::common::Fixture;

fn story(f: &Fixture, n: u32, body: &str, extra: &str) {
    f.write(
        &format!("stories/S-{n}-q.md"),
        format!("---\nid: S-{n}\ntitle: Quality {n}\nkind: story\nstatus: draft\nrank: {n}00\n{extra}---\n{body}\n"),
    );
}

#[test]
fn each_quality_rule_points_at_the_words() {
    let f = Fixture::example();
    // g10, line 47: two actions.
    story(&f, 40, "As a site admin, I want to edit and delete help wanted ads, so that I can correct small problems.", "");
    // g08, line 21: the indicator twice.
    story(&f, 41, "As a Machine Learning expert, I would like to package ML datasets as data packages, so that I can\neasily import them into my ML platform, so that I can start using the data.", "");
    // g02, line 52: no means.
    story(
        &f,
        42,
        "As a user, I don't want to see NASA grants displayed as contracts.",
        "",
    );
    // No role at all.
    story(&f, 43, "Export the ledger every night.", "");
    // The same statement twice.
    story(
        &f,
        44,
        "As a site admin, I want to edit help wanted ads, so that I can correct small problems.",
        "",
    );
    story(
        &f,
        45,
        "As a site admin, I want to edit help-wanted ads; so that I can correct small problems!",
        "",
    );
    // Vague criteria, a story too big.
    story(&f, 46, "As a bookkeeper, I want to export a month, so that I can close it.\n\n## Acceptance criteria\n- [ ] The export is fast\n- [ ] Given a month, when I export it, then I get one file", "estimate: 21\n");
    f.edit(
        "backlog.yaml",
        "id_prefix: S",
        "id_prefix: S\nquality: { gherkin: true, max_estimate: 13 }",
    );
    let r = f.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut got: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["file"].as_str().unwrap().contains("-q.md"))
        .map(|x| {
            format!(
                "{} {}:{}:{}",
                x["rule"].as_str().unwrap(),
                x["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(".backlog/stories/"),
                x["line"],
                x["column"]
            )
        })
        .collect();
    got.sort();
    insta::assert_snapshot!(got.join("\n"), @"
    criteria-not-gherkin S-46-q.md:12:7
    criteria-vague S-46-q.md:12:21
    story-duplicate S-45-q.md:2:5
    story-means-missing S-42-q.md:8:1
    story-means-missing S-43-q.md:8:1
    story-not-atomic S-40-q.md:8:33
    story-not-minimal S-41-q.md:9:41
    story-role-missing S-43-q.md:8:1
    story-too-big S-46-q.md:7:11
    ");
}
