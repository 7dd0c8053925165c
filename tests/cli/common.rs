use std::cell::Cell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The output of one run of the binary.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// What a user sees, as one text for an inline snapshot (after jj's
/// `CommandOutput`): stdout as is; then, if anything was written to stderr, a
/// `------- stderr -------` line and stderr; then, unless the exit code is 0,
/// `[exit status: N]`. A stream that does not end in a newline is followed by
/// `[no newline at end]`, so that the sections stay apart and a missing final
/// newline still shows.
impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn stream(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
            f.write_str(text)?;
            if !text.is_empty() && !text.ends_with('\n') {
                f.write_str("\n[no newline at end]\n")?;
            }
            Ok(())
        }
        stream(f, &self.stdout)?;
        if !self.stderr.is_empty() {
            f.write_str("------- stderr -------\n")?;
            stream(f, &self.stderr)?;
        }
        if self.code != 0 {
            writeln!(f, "[exit status: {}]", self.code)?;
        }
        Ok(())
    }
}

impl Run {
    /// The same output with `root` (a temporary folder, as given and as the
    /// operating system resolves it) written as `$ROOT`, so that snapshots
    /// never hold a path that changes from run to run.
    pub fn redact(self, root: &Path) -> Run {
        let mut roots = vec![root.display().to_string()];
        if let Ok(real) = root.canonicalize() {
            roots.push(real.display().to_string());
        }
        // The longer spelling first, in case one is a prefix of the other.
        roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
        let replace = |text: String| {
            roots
                .iter()
                .fold(text, |text, r| text.replace(r.as_str(), "$ROOT"))
        };
        Run {
            stdout: replace(self.stdout),
            stderr: replace(self.stderr),
            code: self.code,
        }
    }
}

/// A temporary git repository holding a copy of `.backlog-example` as `.backlog/`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    /// Commits made through [`Fixture::git`] so far: each gets the next
    /// minute as its date, so commit ids are the same on every run.
    commits: Cell<u32>,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".backlog-example")
}

impl Fixture {
    /// The example backlog, committed in a fresh repository.
    pub fn example() -> Fixture {
        let f = Fixture::empty();
        copy_dir(&example_dir(), &f.backlog());
        f.git(&["init", "-q", "-b", "main"]);
        f.git(&["add", "-A"]);
        f.git(&["commit", "-q", "-m", "Example backlog"]);
        f
    }

    /// An empty temporary folder.
    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
            commits: Cell::new(0),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn backlog(&self) -> PathBuf {
        self.root().join(".backlog")
    }

    /// Runs git in the repository with a fixed author and committer and a
    /// fixed date, one minute later for every call, so that commit ids (and
    /// the history output that shows them) do not depend on the clock.
    /// What `git ARGS` prints in the fixture, trimmed; the test fails
    /// where git does.
    pub fn git_stdout(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?} failed");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    pub fn git(&self, args: &[&str]) {
        let n = self.commits.get();
        self.commits.set(n + 1);
        // 2026-11-20 09:00 UTC, plus a minute per call.
        let date = format!("@{} +0000", 1_795_165_200 + 60 * u64::from(n));
        let status = Command::new("git")
            .args(args)
            .current_dir(self.root())
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_AUTHOR_NAME", "Pat Owner")
            .env("GIT_AUTHOR_EMAIL", "pat@example.com")
            .env("GIT_COMMITTER_NAME", "Pat Owner")
            .env("GIT_COMMITTER_EMAIL", "pat@example.com")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?} failed");
    }

    /// Writes a file below `.backlog/`.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.backlog().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.backlog().join(rel)).unwrap()
    }

    /// Replaces `from` with `to` in a file below `.backlog/`, which must contain it.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// The story file whose name starts with `id-`.
    pub fn story(&self, id: &str) -> String {
        let prefix = format!("{id}-");
        for entry in std::fs::read_dir(self.backlog().join("stories")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) {
                return format!("stories/{name}");
            }
        }
        panic!("no story file for {id}");
    }

    /// Runs `backlog ARGS` in the repository's root; the root's path in the
    /// output reads `$ROOT`.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args).redact(self.root())
    }

    /// Runs each command in turn and returns one transcript: every command
    /// line after `$ backlog`, followed by what it printed (see [`Run`]'s
    /// `Display`), for a snapshot of a whole session.
    pub fn session(&self, commands: &[&[&str]]) -> String {
        self.session_env(&[], commands)
    }

    /// [`Fixture::session`] with extra environment variables (a pinned
    /// `BACKLOG_TODAY`, so that what the session says does not depend on
    /// the day the test runs).
    pub fn session_env(&self, env: &[(&str, &str)], commands: &[&[&str]]) -> String {
        let mut text = String::new();
        for args in commands {
            let run = self.run_env(env, args);
            text.push_str(&format!("$ backlog {}\n{run}", args.join(" ")));
        }
        text
    }
}

impl Fixture {
    /// Runs `backlog ARGS` in the repository's root with extra environment
    /// variables (`EDITOR`, `BACKLOG_TODAY`, `COLUMNS`, …); paths shown as
    /// `$ROOT`. The width and colour variables of the test's own
    /// environment are not passed on.
    pub fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = assert_cmd::Command::cargo_bin("backlog").unwrap();
        cmd.args(args)
            .current_dir(self.root())
            .env_remove("BACKLOG_DIR")
            .env_remove("VISUAL")
            .env_remove("COLUMNS")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .timeout(std::time::Duration::from_secs(60));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        Run {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
        .redact(self.root())
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = assert_cmd::Command::cargo_bin("backlog")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env_remove("BACKLOG_DIR")
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Validates each named JSON instance against the JSON Schema `schema`
/// (its text) with Python's `jsonschema` (what check-jsonschema uses): one
/// line per error, `name: /path: message`. `None`, and a note that the test
/// skipped, when it is not installed.
pub fn schema_errors(schema: &str, instances: &[(String, serde_json::Value)]) -> Option<String> {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("skipped: python3 with jsonschema is not installed (.ci/run installs python3-jsonschema)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let schema_path = dir.path().join("schema.json");
    std::fs::write(&schema_path, schema).unwrap();
    let mut args = vec![
        "-c".to_string(),
        r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[-1][:-5]
    for e in sorted(v.iter_errors(json.load(open(path))), key=lambda e: (list(map(str, e.path)), e.message)):
        print(f"{name}: /{'/'.join(map(str, e.path))}: {e.message}")
"#
        .to_string(),
        schema_path.display().to_string(),
    ];
    for (name, value) in instances {
        let p = dir.path().join(format!("{name}.json"));
        std::fs::write(&p, value.to_string()).unwrap();
        args.push(p.display().to_string());
    }
    let out = std::process::Command::new("python3")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Every file of the backlog folder, by path, with its bytes.
pub fn snapshot_of_files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The rule codes of `check --format json`'s findings, in order.
pub fn finding_codes(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}
