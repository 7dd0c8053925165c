//! The product owner's cycle: goals, sprints, velocity and forecast.

use crate::common::Fixture;

#[test]
fn goals_show_vision_definition_of_done_and_progress() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.run(&["goals"]), @"
    Ledgerly
      vision: Small businesses send an invoice in a minute and get paid in a day, and their bookkeeper never retypes a number.
      definition of done: Code reviewed by a second developer; unit and end-to-end tests pass in CI; every acceptance criterion checked; deployed to production behind no flag; release note written.

    G-1   Customers can pay invoices online                         active  7/13 stories, 37/74 points, 1 unestimated
    G-2   Bookkeepers trust the exports                             active  3/10 stories, 7/41 points
    G-3   A new account sends its first invoice within ten minutes  active  0/3 stories, 0/8 points
    ");
    insta::assert_snapshot!(f.run(&["goals", "--format", "md"]), @"
    # Ledgerly

    > Small businesses send an invoice in a minute and get paid in a day, and their bookkeeper never retypes a number.

    **Definition of Done:** Code reviewed by a second developer; unit and end-to-end tests pass in CI; every acceptance criterion checked; deployed to production behind no flag; release note written.

    | Goal | Status | Progress |
    | --- | --- | --- |
    | **G-1** Customers can pay invoices online | active | 7/13 stories, 37/74 points, 1 unestimated |
    | **G-2** Bookkeepers trust the exports | active | 3/10 stories, 7/41 points |
    | **G-3** A new account sends its first invoice within ten minutes | active | 0/3 stories, 0/8 points |
    ");
    // Progress follows the stories: finishing one counts its points.
    f.edit(&f.story("S-23"), "status: draft", "status: done");
    let v: serde_json::Value =
        serde_json::from_str(&f.run(&["goals", "--format", "json"]).stdout).unwrap();
    assert_eq!(v["goals"][2]["stories_done"], 1);
    assert_eq!(v["goals"][2]["points_done"], 3.0);
}

/// `git diff` of the working tree, as a reviewer reads it.
fn diff(f: &Fixture) -> String {
    let out = std::process::Command::new("git")
        .args(["diff", "--no-color", "--stat=80", "-p"])
        .current_dir(f.root())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_sprint_is_created_planned_and_started_with_small_file_changes() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[
        &["sprint", "new", "2026-S24", "--start", "2026-12-07", "--end", "2026-12-18", "--capacity", "20", "--goal", "Bookkeepers trust the exports"],
        &["sprint", "plan", "2026-S24"],
    ]), @"
    $ backlog sprint new 2026-S24 --start 2026-12-07 --end 2026-12-18 --capacity 20 --goal Bookkeepers trust the exports
    created .backlog/sprints/2026-S24.md
    $ backlog sprint plan 2026-S24
    2026-S24: capacity 20 (from the sprint file)

    picked (run with --apply to plan them)
       18  S-17        8  Pay by SEPA direct debit
       19  S-26        3  Spike: Peppol e-invoicing requirements
       20  S-31        2  Upload fails for SVG logos
       21  S-22        3  Import customers from a CSV file
       25  S-30        2  Remove the legacy invoice templates

    skipped
       22  S-27        5  Two-factor authentication: 5 points do not fit in the 4 left
       23  S-25        5  Bulk export of selected invoices: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       24  S-19        8  Partial payments of an invoice: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       26  S-23        3  Onboarding checklist: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       27  S-18        5  Apple Pay and Google Pay: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       28  S-28        5  Audit log of invoice changes: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       29  S-20       13  Multi-currency invoices: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       30  S-21        -  Customer portal with all invoices: not ready: no `estimate`; no acceptance criteria (a list under an `## Acceptance criteria` heading)
       31  S-32        8  Team roles: owner, accountant, viewer: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       32  S-29        -  Dark mode: not ready: no `estimate`; no acceptance criteria (a list under an `## Acceptance criteria` heading)

    18 of 20 points
    ");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "Sprint 2026-S24"]);
    insta::assert_snapshot!(f.run(&["sprint", "plan", "2026-S24", "--apply"]), @"
    2026-S24: capacity 20 (from the sprint file)

    planned now
       18  S-17        8  Pay by SEPA direct debit
       19  S-26        3  Spike: Peppol e-invoicing requirements
       20  S-31        2  Upload fails for SVG logos
       21  S-22        3  Import customers from a CSV file
       25  S-30        2  Remove the legacy invoice templates

    skipped
       22  S-27        5  Two-factor authentication: 5 points do not fit in the 4 left
       23  S-25        5  Bulk export of selected invoices: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       24  S-19        8  Partial payments of an invoice: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       26  S-23        3  Onboarding checklist: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       27  S-18        5  Apple Pay and Google Pay: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       28  S-28        5  Audit log of invoice changes: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       29  S-20       13  Multi-currency invoices: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       30  S-21        -  Customer portal with all invoices: not ready: no `estimate`; no acceptance criteria (a list under an `## Acceptance criteria` heading)
       31  S-32        8  Team roles: owner, accountant, viewer: not ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
       32  S-29        -  Dark mode: not ready: no `estimate`; no acceptance criteria (a list under an `## Acceptance criteria` heading)

    18 of 20 points
    ");
    insta::assert_snapshot!(diff(&f), @"
     .backlog/stories/S-17-pay-by-sepa-direct-debit.md              | 1 +
     .backlog/stories/S-22-import-customers-from-a-csv-file.md      | 1 +
     .backlog/stories/S-26-spike-peppol-e-invoicing-requirements.md | 1 +
     .backlog/stories/S-30-remove-the-legacy-invoice-templates.md   | 1 +
     .backlog/stories/S-31-upload-fails-for-svg-logos.md            | 1 +
     5 files changed, 5 insertions(+)

    diff --git a/.backlog/stories/S-17-pay-by-sepa-direct-debit.md b/.backlog/stories/S-17-pay-by-sepa-direct-debit.md
    index f2d750a..ac6f84e 100644
    --- a/.backlog/stories/S-17-pay-by-sepa-direct-debit.md
    +++ b/.backlog/stories/S-17-pay-by-sepa-direct-debit.md
    @@ -11,6 +11,7 @@ labels: [payments, sepa]
     depends_on: [S-8]
     stakeholders: [finance, customers]
     value: { business: 13, time_criticality: 5, risk_reduction: 5, job_size: 8 }
    +sprint: 2026-S24
     created: 2026-10-18
     ---
     As a **customer in the euro area**, I want to pay invoices by SEPA direct debit, so that I avoid
    diff --git a/.backlog/stories/S-22-import-customers-from-a-csv-file.md b/.backlog/stories/S-22-import-customers-from-a-csv-file.md
    index 887eb9b..4113602 100644
    --- a/.backlog/stories/S-22-import-customers-from-a-csv-file.md
    +++ b/.backlog/stories/S-22-import-customers-from-a-csv-file.md
    @@ -9,6 +9,7 @@ goal: G-3
     labels: [onboarding, import]
     stakeholders: [sales]
     value: { business: 8, time_criticality: 5, risk_reduction: 2, job_size: 3 }
    +sprint: 2026-S24
     created: 2026-10-22
     ---
     As a **new user switching from spreadsheets**, I want to import my customer list from a CSV
    diff --git a/.backlog/stories/S-26-spike-peppol-e-invoicing-requirements.md b/.backlog/stories/S-26-spike-peppol-e-invoicing-requirements.md
    index 63ab0e1..bd03f17 100644
    --- a/.backlog/stories/S-26-spike-peppol-e-invoicing-requirements.md
    +++ b/.backlog/stories/S-26-spike-peppol-e-invoicing-requirements.md
    @@ -9,6 +9,7 @@ goal: G-2
     labels: [e-invoicing]
     stakeholders: [bookkeepers]
     value: { business: 5, time_criticality: 8, risk_reduction: 8, job_size: 3 }
    +sprint: 2026-S24
     created: 2026-10-25
     ---
     Belgium requires structured e-invoices between businesses from 2026; several customers asked.
    diff --git a/.backlog/stories/S-30-remove-the-legacy-invoice-templates.md b/.backlog/stories/S-30-remove-the-legacy-invoice-templates.md
    index 0dca437..0f5ae98 100644
    --- a/.backlog/stories/S-30-remove-the-legacy-invoice-templates.md
    +++ b/.backlog/stories/S-30-remove-the-legacy-invoice-templates.md
    @@ -7,6 +7,7 @@ rank: 26
     estimate: 2
     labels: [tech-debt]
     value: { business: 2, time_criticality: 1, risk_reduction: 5, job_size: 2 }
    +sprint: 2026-S24
     created: 2026-10-29
     ---
     ## Acceptance criteria
    diff --git a/.backlog/stories/S-31-upload-fails-for-svg-logos.md b/.backlog/stories/S-31-upload-fails-for-svg-logos.md
    index 14dec38..b9adefd 100644
    --- a/.backlog/stories/S-31-upload-fails-for-svg-logos.md
    +++ b/.backlog/stories/S-31-upload-fails-for-svg-logos.md
    @@ -9,6 +9,7 @@ goal: G-3
     labels: [onboarding, branding]
     stakeholders: [support]
     value: { business: 5, time_criticality: 5, risk_reduction: 3, job_size: 2 }
    +sprint: 2026-S24
     created: 2026-11-03
     ---
     Four support tickets in October. The upload returns a 500.
    ");
    f.git(&["commit", "-qam", "Plan 2026-S24"]);
    // A day before the sprint starts, whatever day the test runs: the
    // commitment's date is in the file, and so in its blob id.
    let start = f.run_env(
        &[("BACKLOG_TODAY", "2026-11-25")],
        &["sprint", "start", "2026-S24"],
    );
    assert_eq!(start.code, 0, "{start}");
    let text = f.read("sprints/2026-S24.md");
    let today = text.split("date: ").nth(1).unwrap()[..10].to_string();
    insta::assert_snapshot!(diff(&f).replace(&today, "TODAY"), @"
     .backlog/sprints/2026-S24.md | 1 +
     1 file changed, 1 insertion(+)

    diff --git a/.backlog/sprints/2026-S24.md b/.backlog/sprints/2026-S24.md
    index 813ea2f..c19fc2f 100644
    --- a/.backlog/sprints/2026-S24.md
    +++ b/.backlog/sprints/2026-S24.md
    @@ -4,4 +4,5 @@ goal: Bookkeepers trust the exports
     start: 2026-12-07
     end: 2026-12-18
     capacity: 20
    +commitment: { date: TODAY, stories: [S-17, S-26, S-31, S-22, S-30], points: 18 }
     ---
    ");
    // A commitment is never rewritten.
    insta::assert_snapshot!(f.run(&["sprint", "start", "2026-S24"]), @"
    ------- stderr -------
    error: sprint `2026-S24` was started already (its commitment is recorded)
      help: a commitment is never rewritten; the sprint report compares it with today's scope
    [exit status: 2]
    ");
    assert_eq!(f.run(&["check"]).code, 0);
}

#[test]
fn velocity_and_a_plan_without_capacity_use_the_reviews() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[
        &["velocity"],
        &["velocity", "--last", "1", "--format", "json"],
        &["sprint", "new", "2026-S24", "--start", "2026-12-07", "--end", "2026-12-18"],
        &["sprint", "plan", "2026-S24", "--format", "md"],
        &["sprint", "plan", "2026-S99"],
    ]), @r#"
    $ backlog velocity
    SPRINT      DATES                    COMMITTED  ACCEPTED
    2026-S21    2026-10-26 – 2026-11-06          -        21
    2026-S22    2026-11-09 – 2026-11-20         28        23

    mean accepted: 22 points per sprint
    $ backlog velocity --last 1 --format json
    {
      "sprints": [
        {
          "sprint": "2026-S22",
          "start": "2026-11-09",
          "end": "2026-11-20",
          "committed": 28.0,
          "accepted": 23.0,
          "stories_accepted": 5
        }
      ],
      "mean_accepted": 23.0
    }
    $ backlog sprint new 2026-S24 --start 2026-12-07 --end 2026-12-18
    created .backlog/sprints/2026-S24.md
    $ backlog sprint plan 2026-S24 --format md
    **2026-S24**: 21 of 22 points (capacity from the mean velocity of the last reviewed sprints)

    | # | Story | Points | |
    | ---: | --- | ---: | --- |
    | 18 | **S-17** Pay by SEPA direct debit | 8 | picked |
    | 19 | **S-26** Spike: Peppol e-invoicing requirements | 3 | picked |
    | 20 | **S-31** Upload fails for SVG logos | 2 | picked |
    | 21 | **S-22** Import customers from a CSV file | 3 | picked |
    | 22 | **S-27** Two-factor authentication | 5 | picked |
    | 23 | ~~**S-25** Bulk export of selected invoices~~ | 5 | not ready: no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    | 24 | ~~**S-19** Partial payments of an invoice~~ | 8 | not ready: no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    | 25 | ~~**S-30** Remove the legacy invoice templates~~ | 2 | 2 points do not fit in the 1 left |
    | 26 | ~~**S-23** Onboarding checklist~~ | 3 | not ready: no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    | 27 | ~~**S-18** Apple Pay and Google Pay~~ | 5 | not ready: no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    | 28 | ~~**S-28** Audit log of invoice changes~~ | 5 | not ready: no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    | 29 | ~~**S-20** Multi-currency invoices~~ | 13 | not ready: no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    | 30 | ~~**S-21** Customer portal with all invoices~~ | - | not ready: no \`estimate\`; no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    | 31 | ~~**S-32** Team roles: owner, accountant, viewer~~ | 8 | not ready: no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    | 32 | ~~**S-29** Dark mode~~ | - | not ready: no \`estimate\`; no acceptance criteria (a list under an \`\#\# Acceptance criteria\` heading) |
    $ backlog sprint plan 2026-S99
    ------- stderr -------
    error: no sprint has the id `2026-S99`
      help: `backlog sprint new ID --start DATE --end DATE` creates one
    [exit status: 2]
    "#);
}

/// `backlog ARGS` with "today" pinned, as a report on a given day.
fn on_day(f: &Fixture, day: &str, args: &[&str]) -> crate::common::Run {
    f.run_env(&[("BACKLOG_TODAY", day)], args)
}

#[test]
fn forecast_gives_each_story_and_goal_a_likely_sprint() {
    let f = Fixture::example();
    let first = on_day(&f, "2026-11-24", &["forecast"]);
    insta::assert_snapshot!(first, @"
    forecast from velocities 21, 23 (14-day sprints; +N = sprints from now)
      #  ID       POINTS  CUMUL  50%                85%                TITLE
     13  S-10          5      5  2026-12-04 (+1)    2026-12-04 (+1)    Export invoices as PDF
     14  S-24          3      8  2026-12-04 (+1)    2026-12-04 (+1)    Long invoices break the PDF table layout
     15  S-14          5     13  2026-12-04 (+1)    2026-12-04 (+1)    Export a month of invoices as CSV
     16  S-15          8     21  2026-12-04 (+1)    2026-12-04 (+1)    DATEV export
     17  S-16          3     24  2026-12-18 (+2)    2026-12-18 (+2)    Show payment fees per invoice
     18  S-17          8     32  2026-12-18 (+2)    2026-12-18 (+2)    Pay by SEPA direct debit
     19  S-26          3     35  2026-12-18 (+2)    2026-12-18 (+2)    Spike: Peppol e-invoicing requirements
     20  S-31          2     37  2026-12-18 (+2)    2026-12-18 (+2)    Upload fails for SVG logos
     21  S-22          3     40  2026-12-18 (+2)    2026-12-18 (+2)    Import customers from a CSV file
     22  S-27          5     45  2027-01-01 (+3)    2027-01-01 (+3)    Two-factor authentication
     23  S-25          5     50  2027-01-01 (+3)    2027-01-01 (+3)    Bulk export of selected invoices
     24  S-19          8     58  2027-01-01 (+3)    2027-01-01 (+3)    Partial payments of an invoice
     25  S-30          2     60  2027-01-01 (+3)    2027-01-01 (+3)    Remove the legacy invoice templates
     26  S-23          3     63  2027-01-01 (+3)    2027-01-01 (+3)    Onboarding checklist
     27  S-18          5     68  2027-01-15 (+4)    2027-01-15 (+4)    Apple Pay and Google Pay
     28  S-28          5     73  2027-01-15 (+4)    2027-01-15 (+4)    Audit log of invoice changes
     29  S-20         13     86  2027-01-15 (+4)    2027-01-15 (+4)    Multi-currency invoices
     30  S-21          ?     86  2027-01-15 (+4)    2027-01-15 (+4)    Customer portal with all invoices
     31  S-32          8     94  2027-01-29 (+5)    2027-01-29 (+5)    Team roles: owner, accountant, viewer
     32  S-29          ?     94  2027-01-29 (+5)    2027-01-29 (+5)    Dark mode

    goals
      G-1   Customers can pay invoices online: 6 open; 50% by 2027-01-15 (+4), 85% by 2027-01-15 (+4)
      G-2   Bookkeepers trust the exports: 7 open; 50% by 2027-01-15 (+4), 85% by 2027-01-15 (+4)
      G-3   A new account sends its first invoice within ten minutes: 3 open; 50% by 2027-01-01 (+3), 85% by 2027-01-01 (+3)

    without an estimate (counted as 0 points): S-21, S-29
    ");
    // Deterministic: the same backlog on the same day, the same forecast.
    assert_eq!(on_day(&f, "2026-11-24", &["forecast"]).stdout, first.stdout);
    // A fixed velocity: 10 points a sprint.
    let v: serde_json::Value = serde_json::from_str(
        &on_day(
            &f,
            "2026-11-24",
            &["forecast", "--velocity", "10", "--format", "json"],
        )
        .stdout,
    )
    .unwrap();
    let s10 = &v["stories"][0];
    assert_eq!(
        (s10["id"].as_str(), s10["p50"]["sprints"].as_u64()),
        (Some("S-10"), Some(1))
    );
    let s16 = &v["stories"][4];
    assert_eq!(
        (s16["cumulative"].as_f64(), s16["p85"]["sprints"].as_u64()),
        (Some(24.0), Some(3))
    );
    assert_eq!(s16["p85"]["by"], "2027-01-01");
    // A spread of velocities gives a range: 50% sooner than 85%.
    f.edit("sprints/2026-S21.md", "    - { story: S-5, decision: accepted, note: Connected the live account during the review }\n", "");
    let v: serde_json::Value =
        serde_json::from_str(&on_day(&f, "2026-11-24", &["forecast", "--format", "json"]).stdout)
            .unwrap();
    let late: Vec<(u64, u64)> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["p50"]["sprints"].as_u64().unwrap(),
                s["p85"]["sprints"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(late.iter().all(|(a, b)| a <= b));
    assert!(late.iter().any(|(a, b)| a < b), "{late:?}");
}

#[test]
fn stakeholders_see_their_stories_decisions_feedback_and_conflicts() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[&["stakeholders", "support"], &["stakeholders", "suport"]]), @"
    $ backlog stakeholders support
    support
       13  S-10   in-progress  Export invoices as PDF
       20  S-31   ready        Upload fails for SVG logos
       23  S-25   draft        Bulk export of selected invoices
      decision at 2026-S22: S-10 rejected (layout breaks on long invoices)
      decision at 2026-S22: S-12 accepted
      feedback at 2026-S22: wants bulk export for auditors -> S-25 (draft)
      conflict: S-11 Remind customers of overdue invoices (done, #10; finance) <> S-12 Refund a card payment (done, #11; support): settled at the 2026-S22 review: S-12 accepted
    $ backlog stakeholders suport
    ------- stderr -------
    error: no story or feedback names the stakeholder `suport`
      help: did you mean `support`?
    [exit status: 2]
    ");
    // An open conflict, then its resolution recorded at a review.
    f.edit(
        &f.story("S-17"),
        "stakeholders: [finance, customers]",
        "stakeholders: [finance, customers]\nconflicts_with: [S-18]",
    );
    let open = f.run(&["stakeholders", "customers", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&open.stdout).unwrap();
    let conflict = &v[0]["conflicts"][0];
    assert_eq!(
        (conflict["a"]["id"].as_str(), conflict["b"]["id"].as_str()),
        (Some("S-17"), Some("S-18"))
    );
    assert_eq!(conflict["settled"], false);
    // A dangling or self conflict is a finding.
    f.edit(
        &f.story("S-18"),
        "stakeholders: [customers]",
        "stakeholders: [customers]\nconflicts_with: [S-18, S-404]",
    );
    insta::assert_snapshot!(f.run(&["check"]), @"
    error[B027]: `S-18` cannot conflict with itself
      --> .backlog/stories/S-18-apple-pay-and-google-pay.md:13:18
       |
    13 | conflicts_with: [S-18, S-404]
       |                  ^^^^
       = help: name the story that wants the opposite

    error[B030]: `S-18` conflicts with `S-404`, which does not exist
      --> .backlog/stories/S-18-apple-pay-and-google-pay.md:13:24
       |
    13 | conflicts_with: [S-18, S-404]
       |                        ^^^^^
       = help: remove the conflict or correct the id

    failed: 2 errors, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
}

#[test]
fn the_review_and_the_close_are_small_reviewable_changes() {
    let f = Fixture::example();
    let review = on_day(
        &f,
        "2026-12-04",
        &[
            "sprint",
            "review",
            "2026-S23",
            "--accept",
            "S-16",
            "--note",
            "Fees shown; finance signed off",
            "--reject",
            "S-10",
            "--note",
            "still breaks, on page 3",
            "--new-follow-up",
            "PDF tables span pages",
            "--accept",
            "S-24",
            "--feedback",
            "support: wants bulk export, asap",
            "--new-story",
            "Bulk export for support",
            // S-16's criteria are not checked off in the example.
            "--force",
        ],
    );
    insta::assert_snapshot!(review, @"
    2026-S23: 3 decisions and 1 feedback item recorded
    S-16: status = done
    S-10: status = ready
    S-24: status = done
    created .backlog/stories/S-33-pdf-tables-span-pages.md
    created .backlog/stories/S-34-bulk-export-for-support.md
    ");
    let changed = diff(&f);
    insta::assert_snapshot!(changed, @r#"
     .backlog/sprints/2026-S23.md                                      | 8 ++++++++
     .backlog/stories/S-10-export-invoices-as-pdf.md                   | 2 +-
     .backlog/stories/S-16-show-payment-fees-per-invoice.md            | 2 +-
     .backlog/stories/S-24-long-invoices-break-the-pdf-table-layout.md | 2 +-
     4 files changed, 11 insertions(+), 3 deletions(-)

    diff --git a/.backlog/sprints/2026-S23.md b/.backlog/sprints/2026-S23.md
    index 973391b..f6226c5 100644
    --- a/.backlog/sprints/2026-S23.md
    +++ b/.backlog/sprints/2026-S23.md
    @@ -5,6 +5,14 @@ start: 2026-11-23
     end: 2026-12-04
     capacity: 30
     commitment: { date: 2026-11-23, stories: [S-10, S-24, S-14, S-15, S-16], points: 24 }
    +review:
    +  date: 2026-12-04
    +  decisions:
    +    - { story: S-16, decision: accepted, note: Fees shown; finance signed off }
    +    - { story: S-10, decision: rejected, note: "still breaks, on page 3", follow_up: S-33 }
    +    - { story: S-24, decision: accepted }
    +  feedback:
    +    - { from: support, note: "wants bulk export, asap", story: S-34 }
     ---
     Planned on 2026-11-23 with the whole team. DATEV (S-15) waits for the CSV export (S-14)
     to settle the column mapping.
    diff --git a/.backlog/stories/S-10-export-invoices-as-pdf.md b/.backlog/stories/S-10-export-invoices-as-pdf.md
    index 55b67ec..725dc77 100644
    --- a/.backlog/stories/S-10-export-invoices-as-pdf.md
    +++ b/.backlog/stories/S-10-export-invoices-as-pdf.md
    @@ -2,7 +2,7 @@
     id: S-10
     title: Export invoices as PDF
     kind: story
    -status: in-progress
    +status: ready
     rank: 10
     estimate: 5
     epic: S-2
    diff --git a/.backlog/stories/S-16-show-payment-fees-per-invoice.md b/.backlog/stories/S-16-show-payment-fees-per-invoice.md
    index 428d760..e825b3e 100644
    --- a/.backlog/stories/S-16-show-payment-fees-per-invoice.md
    +++ b/.backlog/stories/S-16-show-payment-fees-per-invoice.md
    @@ -2,7 +2,7 @@
     id: S-16
     title: Show payment fees per invoice
     kind: story
    -status: review
    +status: done
     rank: 13
     estimate: 3
     epic: S-1
    diff --git a/.backlog/stories/S-24-long-invoices-break-the-pdf-table-layout.md b/.backlog/stories/S-24-long-invoices-break-the-pdf-table-layout.md
    index 8787330..db5dcd5 100644
    --- a/.backlog/stories/S-24-long-invoices-break-the-pdf-table-layout.md
    +++ b/.backlog/stories/S-24-long-invoices-break-the-pdf-table-layout.md
    @@ -2,7 +2,7 @@
     id: S-24
     title: Long invoices break the PDF table layout
     kind: bug
    -status: ready
    +status: done
     rank: 10.5
     estimate: 3
     epic: S-2
    "#);
    let created = std::process::Command::new("git")
        .args(["ls-files", "--others", "--exclude-standard"])
        .current_dir(f.root())
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8(created.stdout).unwrap(), @"
    .backlog/stories/S-33-pdf-tables-span-pages.md
    .backlog/stories/S-34-bulk-export-for-support.md
    ");
    insta::assert_snapshot!(f.read("stories/S-33-pdf-tables-span-pages.md"), @"
    ---
    id: S-33
    title: PDF tables span pages
    kind: story
    status: idea
    rank: 70
    created: 2026-12-04
    ---
    Follow-up of S-10, rejected at the 2026-S23 review: still breaks, on page 3.

    <!-- As a <role>, I want <what>, so that <why>. -->

    ## Acceptance criteria
    <!-- - [ ] Given <context>, when <action>, then <outcome> -->
    ");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "Review of 2026-S23"]);
    // Notes with commas and colons stay whole.
    let v: serde_json::Value =
        serde_json::from_str(&f.run(&["decisions", "2026-S23", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(v[1]["what"]["note"], "still breaks, on page 3");
    assert_eq!(f.run(&["check"]).code, 0);
    // Close: the unfinished stories go back to the backlog, recorded.
    f.write(
        "sprints/2026-S24.md",
        "---\nid: 2026-S24\nstart: 2026-12-07\nend: 2026-12-18\ncapacity: 10\n---\n",
    );
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "2026-S24"]);
    insta::assert_snapshot!(on_day(&f, "2026-12-04", &["sprint", "close", "2026-S23", "--carry-over-to", "2026-S24", "--goal-met", "no"]), @"
    ------- stderr -------
    error: the change would break a rule, so nothing was written:

    error[B060]: sprint `2026-S24` plans 18 points, over its capacity of 10
     --> .backlog/sprints/2026-S24.md:5:11
      |
    5 | capacity: 10
      |           ^^
      = help: move stories out of the sprint (`sprint:` field), or raise the capacity if the team agreed to
      help: do what the finding says first, or pass --force to write it anyway
    [exit status: 2]
    ");
    let close = on_day(
        &f,
        "2026-12-04",
        &["sprint", "close", "2026-S23", "--goal-met", "no"],
    );
    insta::assert_snapshot!(close, @"2026-S23: closed; 3 carried over back to the backlog: S-10, S-14, S-15");
    insta::assert_snapshot!(diff(&f), @r#"
     .backlog/sprints/2026-S23.md                               | 1 +
     .backlog/stories/S-10-export-invoices-as-pdf.md            | 1 -
     .backlog/stories/S-14-export-a-month-of-invoices-as-csv.md | 1 -
     .backlog/stories/S-15-datev-export.md                      | 1 -
     4 files changed, 1 insertion(+), 3 deletions(-)

    diff --git a/.backlog/sprints/2026-S23.md b/.backlog/sprints/2026-S23.md
    index f6226c5..953f081 100644
    --- a/.backlog/sprints/2026-S23.md
    +++ b/.backlog/sprints/2026-S23.md
    @@ -13,6 +13,7 @@ review:
         - { story: S-24, decision: accepted }
       feedback:
         - { from: support, note: "wants bulk export, asap", story: S-34 }
    +closed: { date: 2026-12-04, carried_over: [S-10, S-14, S-15], goal_met: false }
     ---
     Planned on 2026-11-23 with the whole team. DATEV (S-15) waits for the CSV export (S-14)
     to settle the column mapping.
    diff --git a/.backlog/stories/S-10-export-invoices-as-pdf.md b/.backlog/stories/S-10-export-invoices-as-pdf.md
    index 725dc77..084ba22 100644
    --- a/.backlog/stories/S-10-export-invoices-as-pdf.md
    +++ b/.backlog/stories/S-10-export-invoices-as-pdf.md
    @@ -11,7 +11,6 @@ labels: [export, pdf]
     depends_on: [S-7]
     stakeholders: [finance, support]
     value: { business: 8, time_criticality: 5, risk_reduction: 3, job_size: 5 }
    -sprint: 2026-S23
     created: 2026-10-06
     ---
     As a **finance clerk**, I want to export an invoice as PDF, so that I can send it to a customer
    diff --git a/.backlog/stories/S-14-export-a-month-of-invoices-as-csv.md b/.backlog/stories/S-14-export-a-month-of-invoices-as-csv.md
    index 97a098c..976e1c9 100644
    --- a/.backlog/stories/S-14-export-a-month-of-invoices-as-csv.md
    +++ b/.backlog/stories/S-14-export-a-month-of-invoices-as-csv.md
    @@ -10,7 +10,6 @@ goal: G-2
     labels: [export, csv]
     stakeholders: [bookkeepers]
     value: { business: 13, time_criticality: 8, risk_reduction: 3, job_size: 5 }
    -sprint: 2026-S23
     created: 2026-10-14
     ---
     As a **bookkeeper**, I want to download one CSV with every invoice of a month, so that I can
    diff --git a/.backlog/stories/S-15-datev-export.md b/.backlog/stories/S-15-datev-export.md
    index 8170520..4218797 100644
    --- a/.backlog/stories/S-15-datev-export.md
    +++ b/.backlog/stories/S-15-datev-export.md
    @@ -11,7 +11,6 @@ labels: [export, datev]
     depends_on: [S-14]
     stakeholders: [bookkeepers]
     value: { business: 13, time_criticality: 5, risk_reduction: 5, job_size: 8 }
    -sprint: 2026-S23
     created: 2026-10-14
     ---
     As a **German bookkeeper**, I want to export a month in DATEV format, so that my tax adviser can
    "#);
    assert_eq!(f.run(&["check"]).code, 0);
    insta::assert_snapshot!(on_day(&f, "2026-12-05", &["sprint", "close", "2026-S23"]), @"
    ------- stderr -------
    error: sprint `2026-S23` was closed on 2026-12-04 already
      help: a close is recorded once; plan stories with `backlog set ID sprint=…`
    [exit status: 2]
    ");
}

/// Commits everything with the given date, as if made on that day.
fn commit_on(f: &Fixture, day: &str, message: &str) {
    let date = format!("{day}T17:00:00Z");
    let ok = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Pat Owner",
            "-c",
            "user.email=pat@example.com",
            "commit",
            "-qam",
            message,
        ])
        .current_dir(f.root())
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn sprint_show_reports_scope_changes_and_the_burndown_at_any_revision() {
    let f = Fixture::example();
    f.write(
        "sprints/2026-S24.md",
        "---\nid: 2026-S24\ngoal: Small fixes\nstart: 2026-12-07\nend: 2026-12-11\ncapacity: 10\n---\n",
    );
    f.git(&["add", "-A"]);
    for args in [
        &["set", "S-31", "sprint=2026-S24"][..],
        &["set", "S-22", "sprint=2026-S24"][..],
    ] {
        assert_eq!(f.run(args).code, 0);
    }
    assert_eq!(
        on_day(&f, "2026-12-07", &["sprint", "start", "2026-S24"]).code,
        0
    );
    commit_on(&f, "2026-12-07", "Start 2026-S24");
    assert_eq!(f.run(&["status", "S-31", "done", "--force"]).code, 0);
    commit_on(&f, "2026-12-08", "SVG logos upload");
    assert_eq!(f.run(&["set", "S-30", "sprint=2026-S24"]).code, 0);
    commit_on(&f, "2026-12-09", "Templates go too");
    let json = ["sprint", "show", "2026-S24", "--format", "json"];
    let as_it_was = on_day(&f, "2026-12-11", &json);
    assert_eq!(f.run(&["status", "S-22", "done", "--force"]).code, 0);
    commit_on(&f, "2026-12-10", "CSV import");
    let report = on_day(&f, "2026-12-11", &["sprint", "show", "2026-S24"]);
    insta::assert_snapshot!(report, @"
    2026-S24  Small fixes
      dates: 2026-12-07 – 2026-12-11 (running)
      capacity: 10
      committed: 5 points (S-31, S-22)
      scope now: 7 points in 3 stories
      added since the start: S-30 (95528ed, 2026-12-09, Pat Owner)
      removed since the start: none
      done: 5 points; remaining: 2

    burndown (remaining points at the end of each day)
      2026-12-07      5  ##############################
      2026-12-08      3  ##################
      2026-12-09      5  ##############################
      2026-12-10      2  ############
      2026-12-11      2  ############
    ");
    // The report at a revision is the report as it was then, reproduced.
    let then = on_day(
        &f,
        "2026-12-11",
        &[
            "--at", "HEAD~1", "sprint", "show", "2026-S24", "--format", "json",
        ],
    );
    assert_eq!(then.stdout, as_it_was.stdout);
    let v: serde_json::Value = serde_json::from_str(&then.stdout).unwrap();
    assert_eq!(
        (v["done_points"].as_f64(), v["remaining_points"].as_f64()),
        (Some(2.0), Some(5.0))
    );
    assert_eq!(v["added"][0]["story"]["id"], "S-30");
}

#[test]
fn a_commitment_is_recorded_once_and_for_one_sprint_at_a_time() {
    let f = Fixture::example();
    f.edit(
        "sprints/2026-S23.md",
        "stories: [S-10, S-24, S-14, S-15, S-16], points: 24",
        "stories: [S-10, S-14, S-15, S-16], points: 21",
    );
    insta::assert_snapshot!(f.run(&["check", "--since", "HEAD"]), @"
    error[B085]: the commitment of `2026-S23` was changed; it is recorded once, at the start
     --> .backlog/sprints/2026-S23.md:7:13
      |
    7 | commitment: { date: 2026-11-23, stories: [S-10, S-14, S-15, S-16], points: 21 }
      |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      = help: restore it; scope changes show in `backlog sprint show` as added and removed stories

    failed: 1 error, 0 warnings in 32 stories and 3 sprints
    [exit status: 1]
    ");
    f.git(&["checkout", "-q", "--", "."]);
    f.write(
        "sprints/2026-S24.md",
        "---\nid: 2026-S24\nstart: 2026-12-01\nend: 2026-12-12\ncommitment: { date: 2026-12-01, stories: [S-15], points: 8 }\n---\n",
    );
    let r = f.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"committed-twice"), "{rules:?}");
}

#[test]
fn goals_are_edited_in_place_in_backlog_yaml() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[
        &["goal", "status", "G-2", "done"],
        &["goal", "new", "G-4", "Invoices in three currencies, no more"],
        &["goal", "set", "G-1", "title=Customers pay online, in one click"],
        &["goal", "status", "G-9", "done"],
        &["goal", "new", "G-4", "Again"],
    ]), @"
    $ backlog goal status G-2 done
    G-2: status = done
    $ backlog goal new G-4 Invoices in three currencies, no more
    G-4: added (Invoices in three currencies, no more)
    $ backlog goal set G-1 title=Customers pay online, in one click
    G-1: title = Customers pay online, in one click
    $ backlog goal status G-9 done
    ------- stderr -------
    error: no goal has the id `G-9`
      help: did you mean `G-1`?
    [exit status: 2]
    $ backlog goal new G-4 Again
    ------- stderr -------
    error: goal `G-4` exists already
      help: pick another id, or `backlog goal set`
    [exit status: 2]
    ");
    insta::assert_snapshot!(diff(&f), @r#"
     .backlog/backlog.yaml | 5 +++--
     1 file changed, 3 insertions(+), 2 deletions(-)

    diff --git a/.backlog/backlog.yaml b/.backlog/backlog.yaml
    index 90013f7..37d9da4 100644
    --- a/.backlog/backlog.yaml
    +++ b/.backlog/backlog.yaml
    @@ -9,9 +9,10 @@ vision: >
     id_prefix: S
     
     goals:
    -  - { id: G-1, title: Customers can pay invoices online, status: active }
    -  - { id: G-2, title: Bookkeepers trust the exports, status: active }
    +  - { id: G-1, title: "Customers pay online, in one click", status: active }
    +  - { id: G-2, title: Bookkeepers trust the exports, status: done }
       - { id: G-3, title: A new account sends its first invoice within ten minutes, status: active }
    +  - { id: G-4, title: "Invoices in three currencies, no more", status: active }
     
     workflow:
       statuses: [idea, draft, ready, in-progress, review, done, dropped]
    "#);
    assert_eq!(f.run(&["check"]).code, 0);
}

#[test]
fn a_conflict_left_unsettled_too_long_is_a_warning() {
    let f = Fixture::example();
    f.edit(
        "backlog.yaml",
        "id_prefix: S",
        "id_prefix: S\nconflict_days: 30",
    );
    f.edit(
        &f.story("S-17"),
        "stakeholders: [finance, customers]",
        "stakeholders: [finance, customers]\nconflicts_with: [S-18]",
    );
    insta::assert_snapshot!(on_day(&f, "2026-12-31", &["check"]), @"
    warning[B067]: `S-17` and `S-18` have been in conflict for 74 days (since 2026-10-18), longer than 30
      --> .backlog/stories/S-17-pay-by-sepa-direct-debit.md:13:18
       |
    13 | conflicts_with: [S-18]
       |                  ^^^^
       = help: settle it: record a decision at a review, or drop one side

    ok: 0 errors, 1 warning in 32 stories and 3 sprints
    ");
    // Within the 30 days: no finding at all.
    insta::assert_snapshot!(on_day(&f, "2026-11-10", &["check"]), @"ok: 32 stories and 3 sprints checked, no problems");
}

/// Found by trying the cycle as a product owner: a story decided twice was
/// counted twice and a wrong acceptance could not be corrected; a closed
/// sprint could still be planned, started and reviewed; a decision after a
/// feedback-only review did not read back; a running sprint's early
/// acceptances counted as velocity.
#[test]
fn review_corrections_closed_sprints_and_velocity_hold_together() {
    let f = Fixture::example();
    // While 2026-S23 runs (it ends 2026-12-04), whatever day the test runs.
    insta::assert_snapshot!(f.session_env(&[("BACKLOG_TODAY", "2026-11-25")], &[
        &["sprint", "review", "2026-S23", "--feedback", "sales: first"],
        &["sprint", "review", "2026-S23", "--accept", "S-16", "--note", "ok", "--feedback", "sales: second", "--force"],
        &["sprint", "review", "2026-S23", "--accept", "S-16"],
        &["sprint", "review", "2026-S23", "--reject", "S-16", "--amends", "fees were wrong on refunds", "--force"],
        &["velocity"],
        &["sprint", "plan", "2026-S21", "--apply"],
        &["sprint", "start", "2026-S21"],
        &["sprint", "review", "2026-S21", "--accept", "S-3"],
        &["sprint", "close", "2026-S23", "--carry-over-to", "2026-S23"],
        &["new", "two\nlines"],
    ]), @r#"
    $ backlog sprint review 2026-S23 --feedback sales: first
    2026-S23: 0 decisions and 1 feedback item recorded
    $ backlog sprint review 2026-S23 --accept S-16 --note ok --feedback sales: second --force
    2026-S23: 1 decision and 1 feedback item recorded
    S-16: status = done
    $ backlog sprint review 2026-S23 --accept S-16
    ------- stderr -------
    error: `S-16` was decided at this review already (accepted); nothing was written
      help: a recorded decision is never rewritten: add the correction with --amends "why" after the --accept or --reject
    [exit status: 2]
    $ backlog sprint review 2026-S23 --reject S-16 --amends fees were wrong on refunds --force
    2026-S23: 1 decision and 0 feedback items recorded
    S-16: status = ready
    S-16: reopened = fees were wrong on refunds
    $ backlog velocity
    SPRINT      DATES                    COMMITTED  ACCEPTED
    2026-S21    2026-10-26 – 2026-11-06          -        21
    2026-S22    2026-11-09 – 2026-11-20         28        23

    mean accepted: 22 points per sprint
    $ backlog sprint plan 2026-S21 --apply
    ------- stderr -------
    error: sprint `2026-S21` was closed on 2026-11-06
      help: a closed sprint takes no more stories, commitments or decisions; use the next sprint
    [exit status: 2]
    $ backlog sprint start 2026-S21
    ------- stderr -------
    error: sprint `2026-S21` was closed on 2026-11-06
      help: a closed sprint takes no more stories, commitments or decisions; use the next sprint
    [exit status: 2]
    $ backlog sprint review 2026-S21 --accept S-3
    ------- stderr -------
    error: sprint `2026-S21` is closed; nothing was written
      help: a closed sprint takes no more decisions
    [exit status: 2]
    $ backlog sprint close 2026-S23 --carry-over-to 2026-S23
    ------- stderr -------
    error: `2026-S23` is the sprint being closed
      help: carry its unfinished stories over into the next sprint
    [exit status: 2]
    $ backlog new two
    lines
    ------- stderr -------
    error: the title holds a line break or another control character
      help: a title is one line; put the rest into the story's description
    [exit status: 2]
    "#);
    let text = f.read("sprints/2026-S23.md");
    assert!(text.contains("  decisions:\n    - { story: S-16, decision: accepted, note: ok }\n    - { story: S-16, decision: rejected, amends: fees were wrong on refunds }\n"), "{text}");
    assert!(text.contains("  feedback:\n    - { from: sales, note: first }\n    - { from: sales, note: second }\n"), "{text}");
    assert_eq!(f.run(&["check"]).code, 0, "{}", f.run(&["check"]));
}
