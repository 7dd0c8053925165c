//! Editors and shells: completions, manual pages, JSON Schemas, all
//! generated from the definitions the tool itself uses.

use std::process::Command;

use crate::common::Fixture;

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
