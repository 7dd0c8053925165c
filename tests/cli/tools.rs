//! Editors and shells: completions, manual pages, JSON Schemas, all
//! generated from the definitions the tool itself uses.

use std::process::Command;

use crate::common::{schema_errors, Fixture};

/// Whether `tool` runs here; a test that needs it says it skipped otherwise.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("--version").output().is_ok();
    if !ok {
        println!("skipped: `{tool}` is not installed (.ci/run installs it on CI)");
    }
    ok
}

#[test]
fn bash_completions_load_and_register() {
    let f = Fixture::example();
    let r = f.run(&["completions", "bash"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    if !have("bash") {
        return;
    }
    let script = f.root().join("backlog.bash");
    std::fs::write(&script, &r.stdout).unwrap();
    let check = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    let loaded = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p backlog",
            script.display()
        ))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&loaded.stdout),
        "complete -o bashdefault -o default -o nosort -F _backlog backlog\n"
    );
    // The script knows the commands and their options, from the same definitions as --help.
    assert!(r.stdout.contains("backlog__subcmd__sprint__subcmd__review"));
    assert!(r.stdout.contains("--stakeholder"));
}

#[test]
fn completions_for_every_shell_clap_knows() {
    let f = Fixture::example();
    // The line of each script that registers it for `backlog`.
    let registers: Vec<String> = [
        ("zsh", "#compdef"),
        ("fish", "complete -c backlog -n"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "arg-completer[backlog]"),
    ]
    .iter()
    .map(|(shell, marker)| {
        let r = f.run(&["completions", shell]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{shell}");
        let line = r.stdout.lines().find(|l| l.contains(marker)).unwrap_or("");
        format!("{shell}: {}", line.chars().take(60).collect::<String>())
    })
    .collect();
    insta::assert_snapshot!(registers.join("\n"), @r#"
    zsh: #compdef backlog
    fish: complete -c backlog -n "__fish_backlog_needs_command" -l dir
    powershell: Register-ArgumentCompleter -Native -CommandName 'backlog' -S
    elvish: set edit:completion:arg-completer[backlog] = {|@words|
    "#);
    insta::assert_snapshot!(f.run(&["completions", "tcsh"]), @"
    ------- stderr -------
    error: invalid value 'tcsh' for '<SHELL>'
      [possible values: bash, elvish, fish, powershell, zsh]

      tip: a similar value exists: 'zsh'

    For more information, try '--help'.
    [exit status: 2]
    ");
}

#[test]
fn man_pages_render_with_man() {
    let f = Fixture::example();
    let top = f.run(&["man"]);
    assert_eq!((top.code, top.stderr.as_str()), (0, ""));
    assert!(
        top.stdout.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "{}",
        top.stdout
    );
    assert_eq!(f.run(&["man", "sprint", "review"]).code, 0);
    let sub = f.run(&["man", "list"]);
    assert_eq!((sub.code, sub.stderr.as_str()), (0, ""));
    if !have("man") {
        return;
    }
    let page = f.root().join("backlog-list.1");
    std::fs::write(&page, &sub.stdout).unwrap();
    let shown = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .unwrap();
    assert!(shown.status.success(), "{shown:?}");
    let text = String::from_utf8_lossy(&shown.stdout);
    let name: Vec<&str> = text
        .lines()
        .skip_while(|l| l.trim() != "NAME")
        .take(2)
        .map(str::trim)
        .collect();
    assert_eq!(
        name,
        [
            "NAME",
            "backlog-list - List stories in rank order, with filters"
        ]
    );
}

#[test]
fn man_for_a_command_that_does_not_exist() {
    let f = Fixture::example();
    insta::assert_snapshot!(f.session(&[&["man", "sprint", "nope"], &["man", "list", "x"]]), @"
    $ backlog man sprint nope
    ------- stderr -------
    error: no command `sprint nope`
      help: one of: new, plan, start, review, close, show
    [exit status: 2]
    $ backlog man list x
    ------- stderr -------
    error: no command `list x`
      help: `backlog list` has no commands of its own
    [exit status: 2]
    ");
}

/// The front matter of a Markdown file as JSON.
fn front_matter(text: &str) -> serde_json::Value {
    let yaml = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or("", |(fm, _)| fm);
    serde_yaml::from_str(yaml).unwrap()
}

/// Every front matter of `.backlog-example` in `folder` ("stories", "sprints").
fn example_front_matters(f: &Fixture, folder: &str) -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(String, serde_json::Value)> = std::fs::read_dir(f.backlog().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, front_matter(&std::fs::read_to_string(&p).unwrap()))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn schemas_accept_the_example_and_reject_wrong_types() {
    let f = Fixture::example();
    let schema = |of: &str| {
        let r = f.run(&["schema", of]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{of}");
        r.stdout
    };
    let (story, sprint, config) = (schema("story"), schema("sprint"), schema("config"));
    let stories = example_front_matters(&f, "stories");
    assert_eq!(stories.len(), 32);
    let Some(errors) = schema_errors(&story, &stories) else {
        return;
    };
    assert_eq!(errors, "");
    assert_eq!(
        schema_errors(&sprint, &example_front_matters(&f, "sprints")).unwrap(),
        ""
    );
    let yaml: serde_json::Value = serde_yaml::from_str(&f.read("backlog.yaml")).unwrap();
    assert_eq!(
        schema_errors(&config, &[("backlog".into(), yaml)]).unwrap(),
        ""
    );
    // What `check` reports as wrong types and unknown fields, the schema rejects too.
    let wrong = front_matter(
        "---\nid: S-99\ntitle: Export\nkind: feature\nstatus: ready\nestimate: high\nlabels: billing\ndepends_on: [S-1, nope]\npriority: 1\nx-jira: ABC-1\n---\n",
    );
    insta::assert_snapshot!(schema_errors(&story, &[("S-99".into(), wrong)]).unwrap(), @"
    S-99: /: 'priority' does not match any of the regexes: '^x-'
    S-99: /depends_on/1: 'nope' does not match '^[A-Za-z0-9_-]+-(0|[1-9][0-9]*)$'
    S-99: /estimate: 'high' is not of type 'number'
    S-99: /kind: 'feature' is not one of ['story', 'bug', 'spike', 'epic', 'chore']
    S-99: /labels: 'billing' is not of type 'array'
    ");
    let wrong_sprint = front_matter(
        "---\nid: 2026-S30\nstart: 2026-12-01\ncapacity: -3\nreview:\n  decisions:\n    - { story: S-1, decision: maybe }\n---\n",
    );
    insta::assert_snapshot!(schema_errors(&sprint, &[("2026-S30".into(), wrong_sprint)]).unwrap(), @"
    2026-S30: /: 'end' is a required property
    2026-S30: /capacity: -3 is less than the minimum of 0
    2026-S30: /review/decisions/0/decision: 'maybe' is not one of ['accepted', 'rejected']
    ");
}
