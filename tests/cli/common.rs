use std::path::{Path, PathBuf};
use std::process::Command;

/// The output of one run of the binary.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    /// Exit code 2 with an error message that starts with `prefix`.
    pub fn assert_usage_error(&self, prefix: &str) {
        assert_eq!(
            self.code, 2,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(self.stderr.starts_with(prefix), "{}", self.stderr);
    }
}

/// A temporary git repository holding a copy of `.backlog-example` as `.backlog/`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
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
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn backlog(&self) -> PathBuf {
        self.root().join(".backlog")
    }

    pub fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(self.root())
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

    /// Runs `backlog ARGS` in the repository's root.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = assert_cmd::Command::cargo_bin("backlog")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env_remove("BACKLOG_DIR")
        .env_remove("COLUMNS")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}
