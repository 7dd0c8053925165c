//! `init`: a starter backlog that passes its own check.

use crate::common::Fixture;

#[test]
fn creates_a_backlog_that_checks_clean() {
    let f = Fixture::empty();
    let r = f.run(&["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
    assert!(f.backlog().join("backlog.yaml").is_file());
    assert!(f.backlog().join("sprints").is_dir());
    let r = f.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout, "ok: 1 story and 0 sprints checked, no problems\n");
    let r = f.run(&["list", "--format", "csv"]);
    assert_eq!(r.stdout, "position,id,rank,status,kind,estimate,sprint,title,labels,epic,goal,score\n1,S-1,10,draft,story,3,,Sign up with an email address,onboarding,,G-1,5\n");
}

#[test]
fn refuses_to_overwrite() {
    let f = Fixture::example();
    let before = f.read("backlog.yaml");
    insta::assert_snapshot!(f.run(&["init"]), @"
    ------- stderr -------
    error: .backlog already exists; `init` never overwrites a backlog
    [exit status: 2]
    ");
    assert_eq!(f.read("backlog.yaml"), before);
}

#[test]
fn honours_dir() {
    let f = Fixture::empty();
    insta::assert_snapshot!(f.run(&["--dir", "plan", "init"]), @"
    created plan/backlog.yaml
    created plan/stories/S-1-sign-up-with-an-email-address.md
    created plan/sprints/.gitkeep
    not in a git repository: after `git init`, run `backlog git-setup` so that git merges stories field by field
    next: edit plan/backlog.yaml, then run `backlog check`
    ");
    assert!(f.root().join("plan/backlog.yaml").is_file());
    assert!(!f.backlog().exists());
    insta::assert_snapshot!(f.run(&["--dir", "plan", "check"]), @"ok: 1 story and 0 sprints checked, no problems");
    insta::assert_snapshot!(f.run(&["--dir", "plan", "list"]), @"
    #  ID   RANK  STATUS  KIND   EST  SPRINT  SCORE  TITLE
    1  S-1    10  draft   story    3  -           5  Sign up with an email address
    ");
}
