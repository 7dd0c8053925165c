//! `check`: every rule, every output format, exit codes.

use crate::common::Fixture;

#[test]
fn example_is_clean() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn readme_command_runs_on_the_example_folder() {
    let r = crate::common::run_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["--dir", ".backlog-example", "check"],
    );
    insta::assert_snapshot!(r, @"ok: 32 stories and 3 sprints checked, no problems");
}

/// Runs `check` after `setup` and returns its human output; asserts the exit code.
fn check_after(setup: impl FnOnce(&Fixture), code: i32) -> String {
    let f = Fixture::example();
    setup(&f);
    let r = f.run(&["check"]);
    assert_eq!(r.code, code, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r.stdout
}

#[test]
fn unknown_field_suggests_the_right_name() {
    let out = check_after(
        |f| {
            f.edit(
                &f.story("S-22"),
                "status: ready",
                "staus: ready\nstatus: ready",
            )
        },
        0,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn custom_fields_with_x_prefix_are_allowed() {
    // Unknown fields are only warnings, so the exit code alone proves
    // nothing: the output must be clean.
    let f = Fixture::example();
    f.edit(
        &f.story("S-22"),
        "status: ready",
        "status: ready\nx-jira: LED-12",
    );
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn status_outside_the_workflow() {
    insta::assert_snapshot!(check_after(
        |f| f.edit(
            &f.story("S-14"),
            "status: in-progress",
            "status: in-progres"
        ),
        1
    ));
}

#[test]
fn malformed_and_mismatched_ids() {
    let out = check_after(
        |f| {
            f.edit(&f.story("S-22"), "id: S-22", "id: S-022");
            f.edit(&f.story("S-23"), "id: S-23", "id: S-99");
        },
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn duplicate_ids() {
    let out = check_after(
        |f| f.write("stories/S-22-copy.md", f.read(&f.story("S-22"))),
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_kind_and_decision() {
    let out = check_after(
        |f| {
            f.edit(&f.story("S-29"), "kind: story", "kind: feature");
            f.edit(
                "sprints/2026-S22.md",
                "{ story: S-9, decision: accepted }",
                "{ story: S-9, decision: approved }",
            );
        },
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn unresolved_references() {
    let out = check_after(
        |f| {
            let s = f.story("S-23");
            f.edit(&s, "depends_on: [S-22]", "depends_on: [S-22, S-404]");
            f.edit(&s, "goal: G-3", "goal: G-9");
            f.edit(
                &f.story("S-29"),
                "created:",
                "epic: S-77\nsprint: 2026-S99\ncreated:",
            );
            f.edit("sprints/2026-S22.md", "follow_up: S-24", "follow_up: S-88");
        },
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn epic_must_be_an_epic() {
    insta::assert_snapshot!(check_after(
        |f| f.edit(&f.story("S-28"), "goal: G-2", "epic: S-27\ngoal: G-2"),
        1
    ));
}

#[test]
fn dependency_cycle_is_spelt_out() {
    let out = check_after(
        |f| {
            f.edit(&f.story("S-22"), "created:", "depends_on: [S-23]\ncreated:");
            f.edit(&f.story("S-28"), "created:", "depends_on: [S-28]\ncreated:");
        },
        1,
    );
    insta::assert_snapshot!(out);
}

/// A story on a cycle that also depends on a story outside it (one that
/// depends on nothing) is still on the cycle: the graph leaves out only
/// stories none of whose dependencies depend on anything.
#[test]
fn a_cycle_through_a_story_with_other_dependencies_is_found() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-22"),
        "created:",
        "depends_on: [S-13, S-23]\ncreated:",
    );
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B032]: dependency cycle: S-22 -> S-23 -> S-22
      --> .backlog/stories/S-22-import-customers-from-a-csv-file.md:12:20
       |
    12 | depends_on: [S-13, S-23]
       |                    ^^^^
       = help: remove one of these dependencies; stories in a cycle can never start

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
}

#[test]
fn missing_rank_and_ties_are_warnings() {
    let out = check_after(
        |f| {
            f.edit(&f.story("S-29"), "rank: 60\n", "");
            f.edit(&f.story("S-28"), "rank: 35", "rank: 35.0");
            f.edit(&f.story("S-20"), "rank: 40", "rank: 035");
        },
        0,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn rank_is_compared_exactly() {
    let f = Fixture::example();
    f.edit(&f.story("S-28"), "rank: 35", "rank: 20.0000000000000000001");
    f.edit(&f.story("S-20"), "rank: 40", "rank: 20.0000000000000000002");
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
    let list = f.run(&["list", "--format", "csv"]);
    let ids: Vec<&str> = list
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let at = |id: &str| ids.iter().position(|x| *x == id).unwrap();
    assert!(
        at("S-17") < at("S-28") && at("S-28") < at("S-20") && at("S-20") < at("S-26"),
        "{ids:?}"
    );
}

#[test]
fn definition_of_ready() {
    let out = check_after(
        |f| {
            let s = f.story("S-22");
            f.edit(&s, "estimate: 3\n", "");
            f.edit(&s, ", so that I can send my first invoice on day one.", ".");
        },
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn planned_story_without_criteria_is_not_ready() {
    let out = check_after(
        |f| f.edit(&f.story("S-18"), "created:", "sprint: 2026-S23\ncreated:"),
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn sprint_capacity_wip_and_dates() {
    let out = check_after(
        |f| {
            f.edit("sprints/2026-S23.md", "capacity: 30", "capacity: 20");
            f.edit("sprints/2026-S21.md", "end: 2026-11-06", "end: 2026-10-20");
            f.edit(&f.story("S-16"), "status: review", "status: in-progress");
            // Epics do not count towards a WIP limit: three stories and two
            // epics in progress are within a limit of 4, five stories are not.
            f.edit("backlog.yaml", "in-progress: 4", "in-progress: 2");
        },
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn review_decisions_must_match_the_sprint_and_status() {
    let out = check_after(
        |f| {
            f.edit(&f.story("S-12"), "status: done", "status: review");
            f.edit("sprints/2026-S21.md", "{ story: S-6,", "{ story: S-14,");
        },
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn severity_overrides_in_config() {
    let f = Fixture::example();
    f.edit(&f.story("S-28"), "rank: 35", "rank: 20");
    f.edit(
        "backlog.yaml",
        "  unknown-field: warning",
        "  unknown-field: warning\n  rank-tie: error",
    );
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B041]: `S-28` has rank 20, the same as `S-17`
     --> .backlog/stories/S-28-audit-log-of-invoice-changes.md:6:7
      |
    6 | rank: 20
      |       ^^
      = help: give one of them a rank between its neighbours so the order is explicit

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");

    f.edit("backlog.yaml", "rank-tie: error", "B041: off");
    insta::assert_snapshot!(f.run(&["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

#[test]
fn config_problems() {
    let out = check_after(
        |f| {
            f.edit(
                "backlog.yaml",
                "  rank-missing: warning",
                "  rank-mising: warning\n  B022: loud",
            );
            f.edit("backlog.yaml", "scoring: wsjf", "scoring: wsjff");
            f.edit("backlog.yaml", "  review: 3", "  reviewing: 3");
        },
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn missing_config_uses_defaults_and_says_so() {
    let f = Fixture::empty();
    f.write(
        "stories/S-1-a.md",
        "---\nid: S-1\ntitle: A\nstatus: draft\nrank: 1\n---\n",
    );
    let r = f.run(&["check"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn json_output_has_the_documented_schema() {
    let f = Fixture::example();
    f.edit(&f.story("S-14"), "status: in-progress", "status: doing");
    f.edit(&f.story("S-28"), "rank: 35", "rank: 20");
    let r = f.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["warnings"], 1);
    assert_eq!(v["summary"]["stories"], 32);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn github_annotations() {
    let f = Fixture::example();
    f.edit(&f.story("S-14"), "status: in-progress", "status: doing");
    f.edit(&f.story("S-28"), "rank: 35", "rank: 20");
    let r = f.run(&["check", "--format", "github"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn finds_the_backlog_by_walking_up_and_honours_backlog_dir() {
    let f = Fixture::example();
    let sub = f.root().join("src/deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    let r = crate::common::run_in(&sub, &["check"]).redact(f.root());
    insta::assert_snapshot!(r, @"ok: 32 stories and 3 sprints checked, no problems");

    let elsewhere = Fixture::empty();
    let out = assert_cmd::Command::cargo_bin("backlog")
        .unwrap()
        .args(["list", "--format", "csv", "--goal", "G-3"])
        .current_dir(elsewhere.root())
        .env("BACKLOG_DIR", f.backlog())
        .output()
        .unwrap();
    let r = crate::common::Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    };
    insta::assert_snapshot!(r.redact(f.root()), @"
    position,id,rank,status,kind,estimate,sprint,title,labels,epic,goal,score
    20,S-31,21.5,ready,bug,2,,Upload fails for SVG logos,onboarding;branding,,G-3,6.5
    21,S-22,22,ready,story,3,,Import customers from a CSV file,onboarding;import,,G-3,5
    26,S-23,28,draft,story,3,,Onboarding checklist,onboarding,,G-3,3
    ");
}

#[test]
fn no_backlog_folder_is_a_usage_error() {
    let f = Fixture::empty();
    insta::assert_snapshot!(f.run(&["check"]), @"
    ------- stderr -------
    error: no .backlog folder in $ROOT or any folder above it
      help: run `backlog init` to create one, or point at one with --dir PATH (or BACKLOG_DIR)
    [exit status: 2]
    ");
    insta::assert_snapshot!(f.run(&["--dir", "nope", "check"]), @"
    ------- stderr -------
    error: nope is not a folder
      help: run `backlog init` to create one, or point at one with --dir PATH (or BACKLOG_DIR)
    [exit status: 2]
    ");
    insta::assert_snapshot!(f.run(&["check", "--format", "xml"]), @"
    ------- stderr -------
    error: invalid value 'xml' for '--format <FORMAT>'
      [possible values: human, json, github, sarif, gitlab]

    For more information, try '--help'.
    [exit status: 2]
    ");
}

#[test]
fn overlapping_sprints() {
    let f = Fixture::example();
    f.edit(
        "sprints/2026-S22.md",
        "start: 2026-11-09",
        "start: 2026-11-06",
    );
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B064]: sprint `2026-S22` starts on 2026-11-06, before sprint `2026-S21` ends on 2026-11-06
     --> .backlog/sprints/2026-S22.md:4:8
      |
    4 | start: 2026-11-06
      |        ^^^^^^^^^^
      = help: start the sprint after the previous one ends

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
}
