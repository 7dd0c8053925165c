//! `board`: columns per workflow status, WIP limits, sprints, fitting the
//! width, colour, and the formats for tools.

use crate::common::{Fixture, Run};

/// `backlog board ARGS` at `columns` wide, on 2026-11-25 (inside 2026-S23).
fn board(f: &Fixture, columns: &str, args: &[&str]) -> Run {
    let mut all = vec!["board"];
    all.extend_from_slice(args);
    f.run_env(
        &[("COLUMNS", columns), ("BACKLOG_TODAY", "2026-11-25")],
        &all,
    )
}

#[test]
fn board_at_100_columns() {
    let f = Fixture::example();
    insta::assert_snapshot!(board(&f, "100", &[]), @"
    idea 2              draft 7             ready 8             in-progress 2/4     review 1/3
    0 pts, 2 no est.    47 pts              34 pts              10 pts              3 pts
    ------------------  ------------------  ------------------  ------------------  ------------------
    S-21 Customer por…  S-25 Bulk expo…  5  S-24 Long invoi… 3  S-10 Export inv… 5  S-16 Show payme… 3
    S-29 Dark mode      S-19 Partial p…  8  S-15 DATEV expo… 8  S-14 Export a m… 5
                        S-23 Onboardin…  3  S-17 Pay by SEP… 8
                        S-18 Apple Pay…  5  S-26 Spike: Pep… 3
                        S-28 Audit log…  5  S-31 Upload fai… 2
                        S-20 Multi-cur… 13  S-22 Import cus… 3
                        S-32 Team role…  8  S-27 Two-factor… 5
                                            S-30 Remove the… 2

    done: 10 stories, 44 pts; dropped: 0; 2 epics not shown
    ");
}

#[test]
fn board_wraps_into_rows_when_narrow() {
    let f = Fixture::example();
    insta::assert_snapshot!(board(&f, "40", &[]), @"
    idea 2               draft 7
    0 pts, 2 no est.     47 pts
    -------------------  -------------------
    S-21 Customer port…  S-25 Bulk expor…  5
    S-29 Dark mode       S-19 Partial pa…  8
                         S-23 Onboarding…  3
                         S-18 Apple Pay …  5
                         S-28 Audit log …  5
                         S-20 Multi-curr… 13
                         S-32 Team roles…  8

    ready 8              in-progress 2/4
    34 pts               10 pts
    -------------------  -------------------
    S-24 Long invoic… 3  S-10 Export invo… 5
    S-15 DATEV export 8  S-14 Export a mo… 5
    S-17 Pay by SEPA… 8
    S-26 Spike: Pepp… 3
    S-31 Upload fail… 2
    S-22 Import cust… 3
    S-27 Two-factor … 5
    S-30 Remove the … 2

    review 1/3
    3 pts
    ------------------------------------
    S-16 Show payment fees per invoice 3

    done: 10 stories, 44 pts
    dropped: 0
    2 epics not shown
    ");
}

#[test]
fn every_line_fits_and_no_id_is_cut() {
    let f = Fixture::example();
    // A wide title: two columns a character.
    f.edit(
        &f.story("S-17"),
        "title: Pay by SEPA direct debit",
        "title: SEPA-Lastschrift 口座振替で請求書を支払う",
    );
    for width in [30, 40, 57, 80, 100, 120, 160] {
        let r = board(&f, &width.to_string(), &[]);
        assert_eq!(r.code, 0, "{r}");
        for line in r.stdout.lines() {
            assert!(
                backlog::render::text::width_of(line) <= width,
                "{width}: {line:?} is {} wide",
                backlog::render::text::width_of(line)
            );
        }
        for id in ["S-17", "S-20", "S-32", "S-29"] {
            assert!(
                r.stdout.lines().any(|l| l.contains(&format!("{id} "))),
                "{width}: {id} missing or cut:\n{r}"
            );
        }
    }
}

#[test]
fn sprint_board_and_the_current_sprint() {
    let f = Fixture::example();
    let r = board(&f, "100", &["--sprint", "2026-S23"]);
    insta::assert_snapshot!(r, @"
    sprint 2026-S23 (2026-11-23 to 2026-12-04, capacity 30 pts): Bookkeepers can export a month in one …

    idea 0  draft 0  ready 2                     in-progress 2/4             review 1/3
    0 pts   0 pts    11 pts                      10 pts                      3 pts
    ------  -------  --------------------------  --------------------------  --------------------------
                     S-24 Long invoices brea… 3  S-10 Export invoices as… 5  S-16 Show payment fees … 3
                     S-15 DATEV export        8  S-14 Export a month of … 5

    done: 0; dropped: 0
    ");
    assert_eq!(board(&f, "100", &["--sprint", "current"]).stdout, r.stdout);
    // A finished sprint: everything is in the done count.
    insta::assert_snapshot!(board(&f, "100", &["--sprint", "2026-S21"]), @"
    sprint 2026-S21 (2026-10-26 to 2026-11-06, capacity 26 pts): Invoices can be sent and tracked

    idea 0  draft 0  ready 0  in-progress 0 (2/4)  review 0 (1/3)
    0 pts   0 pts    0 pts    0 pts                0 pts
    ------  -------  -------  -------------------  --------------

    done: 5 stories, 21 pts; dropped: 0
    ");
    let late = f.run_env(
        &[("BACKLOG_TODAY", "2027-01-04")],
        &["board", "--sprint", "current"],
    );
    insta::assert_snapshot!(late, @"
    ------- stderr -------
    error: no sprint is running on 2027-01-04
      help: name one with --sprint ID; the sprints are: 2026-S21, 2026-S22, 2026-S23
    [exit status: 2]
    ");
}

#[test]
fn unknown_sprint_names_the_known_ones() {
    let f = Fixture::example();
    insta::assert_snapshot!(board(&f, "100", &["--sprint", "2026-S2"]), @"
    ------- stderr -------
    error: no sprint has the id `2026-S2`
      help: did you mean `2026-S21`? the sprints are: 2026-S21, 2026-S22, 2026-S23
    [exit status: 2]
    ");
    insta::assert_snapshot!(board(&f, "100", &["--sprint", "next"]), @"
    ------- stderr -------
    error: no sprint has the id `next`
      help: the sprints are: 2026-S21, 2026-S22, 2026-S23
    [exit status: 2]
    ");
}

#[test]
fn wip_limit_exceeded_reads_without_colour() {
    let f = Fixture::example();
    f.edit("backlog.yaml", "in-progress: 4", "in-progress: 2");
    f.edit(&f.story("S-17"), "status: ready", "status: in-progress");
    insta::assert_snapshot!(board(&f, "100", &[]), @"
    idea 2              draft 7             ready 7             in-progress 3/2 over  review 1/3
    0 pts, 2 no est.    47 pts              26 pts              18 pts                3 pts
    ------------------  ------------------  ------------------  --------------------  ------------------
    S-21 Customer por…  S-25 Bulk expo…  5  S-24 Long invoi… 3  S-10 Export invoi… 5  S-16 Show payme… 3
    S-29 Dark mode      S-19 Partial p…  8  S-15 DATEV expo… 8  S-14 Export a mon… 5
                        S-23 Onboardin…  3  S-26 Spike: Pep… 3  S-17 Pay by SEPA … 8
                        S-18 Apple Pay…  5  S-31 Upload fai… 2
                        S-28 Audit log…  5  S-22 Import cus… 3
                        S-20 Multi-cur… 13  S-27 Two-factor… 5
                        S-32 Team role…  8  S-30 Remove the… 2

    done: 10 stories, 44 pts; dropped: 0; 2 epics not shown
    ");
    // The sprint's column holds 2 of the 3 stories in progress: the limit
    // is the team's, so it counts them all.
    let r = board(&f, "100", &["--sprint", "2026-S23"]);
    insta::assert_snapshot!(r.stdout.lines().take(5).collect::<Vec<_>>().join("\n"), @"
    sprint 2026-S23 (2026-11-23 to 2026-12-04, capacity 30 pts): Bookkeepers can export a month in one …

    idea 0  draft 0  ready 2                     in-progress 2 (3/2 over)    review 1/3
    0 pts   0 pts    11 pts                      10 pts                      3 pts
    ------  -------  --------------------------  --------------------------  --------------------------
    ");
}

/// Escape codes made visible for a snapshot.
fn visible(s: &str) -> String {
    s.replace('\x1b', "\\e")
}

#[test]
fn colour_only_when_asked() {
    let f = Fixture::example();
    f.edit("backlog.yaml", "in-progress: 4", "in-progress: 1");
    let coloured = board(&f, "100", &["--sprint", "2026-S23", "--color", "always"]);
    insta::assert_snapshot!(visible(&coloured.to_string()), @r"
    sprint 2026-S23 (2026-11-23 to 2026-12-04, capacity 30 pts): Bookkeepers can export a month in one …

    \e[1midea\e[0m 0  \e[1mdraft\e[0m 0  \e[1mready\e[0m 2                     \e[1min-progress\e[0m \e[1;31m2/1 over\e[0m        \e[1mreview\e[0m 1/3
    0 pts   0 pts    11 pts                      10 pts                      3 pts
    ------  -------  --------------------------  --------------------------  --------------------------
                     S-24 Long invoices brea… 3  S-10 Export invoices as… 5  S-16 Show payment fees … 3
                     S-15 DATEV export        8  S-14 Export a month of … 5

    done: 0; dropped: 0
    ");
    // Piped, the default is plain text; CLICOLOR_FORCE forces colour,
    // NO_COLOR wins over it, and --color never over both.
    let plain = board(&f, "100", &["--sprint", "2026-S23"]);
    assert!(!plain.stdout.contains('\x1b'));
    let env = |vars: &[(&str, &str)], extra: &[&str]| {
        let mut all = vec![("COLUMNS", "100")];
        all.extend_from_slice(vars);
        let mut args = vec!["board", "--sprint", "2026-S23"];
        args.extend_from_slice(extra);
        f.run_env(&all, &args).stdout
    };
    assert_eq!(env(&[("CLICOLOR_FORCE", "1")], &[]), coloured.stdout);
    assert_eq!(
        env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]),
        plain.stdout
    );
    assert_eq!(
        env(&[("NO_COLOR", "1")], &["--color", "always"]),
        coloured.stdout
    );
    assert_eq!(
        env(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]),
        plain.stdout
    );
}

#[test]
fn at_a_revision() {
    let f = Fixture::example();
    let before = board(&f, "100", &[]);
    f.edit(&f.story("S-16"), "status: review", "status: done");
    let now = board(&f, "100", &[]);
    assert_ne!(now.stdout, before.stdout);
    assert!(now.stdout.contains("review 0/3"), "{now}");
    assert_eq!(board(&f, "100", &["--at", "HEAD"]).stdout, before.stdout);
}

#[test]
fn json_for_tools() {
    let f = Fixture::example();
    let r = board(&f, "100", &["--format", "json"]);
    assert_eq!(r.code, 0, "{r}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let statuses: Vec<&str> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "idea",
            "draft",
            "ready",
            "in-progress",
            "review",
            "done",
            "dropped"
        ]
    );
    let progress = &v["columns"][3];
    assert_eq!(
        progress["wip"],
        serde_json::json!({ "limit": 4, "count": 2, "over": false })
    );
    let ids: Vec<&str> = progress["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["S-10", "S-14"]);
    assert_eq!(v["columns"][5]["cards"].as_array().unwrap().len(), 10);
    assert_eq!(v["epics"], serde_json::json!(["S-1", "S-2"]));
    assert_eq!(v["sprint"], serde_json::Value::Null);
}

#[test]
fn markdown_for_a_page() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-24"),
        "title: Long invoices break the PDF table layout",
        "title: \"Long | *invoices* <b>break</b>\"",
    );
    insta::assert_snapshot!(board(&f, "100", &["--sprint", "2026-S23", "--format", "md"]), @r"
    ## Board of sprint 2026-S23

    Goal: Bookkeepers can export a month in one click

    ### idea (0 stories, 0 points)

    ### draft (0 stories, 0 points)

    ### ready (2 stories, 11 points)

    - **S-24** Long \| \*invoices\* &lt;b>break&lt;/b> (3 pts)
    - **S-15** DATEV export (8 pts)

    ### in-progress (2 stories, 10 points, WIP 2/4)

    - **S-10** Export invoices as PDF (5 pts)
    - **S-14** Export a month of invoices as CSV (5 pts)

    ### review (1 story, 3 points, WIP 1/3)

    - **S-16** Show payment fees per invoice (3 pts)

    ### done (0 stories, 0 points)

    ### dropped (0 stories, 0 points)
    ");
}

#[test]
fn a_status_outside_the_workflow_gets_its_own_column() {
    let f = Fixture::example();
    f.edit(
        &f.story("S-14"),
        "status: in-progress",
        "status: in-progres",
    );
    let r = board(&f, "100", &["--sprint", "2026-S23"]);
    insta::assert_snapshot!(r, @"
    sprint 2026-S23 (2026-11-23 to 2026-12-04, capacity 30 pts): Bookkeepers can export a month in one …

    idea 0  draft 0  ready 2             in-progress 1/4     review 1/3          in-progres 1
    0 pts   0 pts    11 pts              5 pts               3 pts               not in workflow; 5 pts
    ------  -------  ------------------  ------------------  ------------------  ----------------------
                     S-24 Long invoi… 3  S-10 Export inv… 5  S-16 Show payme… 3  S-14 Export a month… 5
                     S-15 DATEV expo… 8

    done: 0; dropped: 0
    ");
}

#[test]
fn the_readme_shows_what_the_board_prints() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let command = "$ backlog --dir .backlog-example board --sprint 2026-S23\n";
    let start = readme.find(command).expect("the README shows a board") + command.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let f = Fixture::example();
    assert_eq!(board(&f, "100", &["--sprint", "2026-S23"]).stdout, shown);
}
