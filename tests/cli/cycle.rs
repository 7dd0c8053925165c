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
