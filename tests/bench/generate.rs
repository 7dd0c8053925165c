//! Generates a large, valid backlog for benchmarks (docs/benchmarks.md).
//!
//! `cargo run --release --example generate -- --stories 10000 --out DIR`
//! writes DIR/.backlog with backlog.yaml, N stories of about 1 KB each and a
//! few sprints. With `--history COMMITS` it instead prints a `git
//! fast-import` stream: one commit adding the whole backlog, then COMMITS
//! commits that each edit one story (mostly re-ranks, some status and
//! estimate changes). Output is deterministic: the same arguments give the
//! same bytes.
//!
//! Options give the history another shape, so that what is measured on one
//! corpus is checked on others (all off by default; the default output is
//! unchanged):
//!
//! - `--body-kb K`: each story carries about K KB of prose paragraphs, and
//!   an edit rewrites one of them as well as its field (real stories are
//!   long, and most real edits touch the text);
//! - `--files-per-commit F`: each commit edits 1 to F stories;
//! - `--renames P`: P % of commits also rename one story's file (a new
//!   title, so a new file name: `D` and `M` in one commit);
//! - `--merges EVERY`: every EVERY commits, a side branch of a few commits
//!   on other stories is merged back with a merge commit;
//! - `--rebalance EVERY`: every EVERY commits, one commit renumbers the
//!   ranks of every story 10, 20, 30… in their order, as `backlog rank
//!   --rebalance` does: a commit that changes every story file;
//! - `--code-commits K`: K commits out of every K + 1 change only code (1 to
//!   3 of 3,000 source files outside the backlog folder), as in a project's
//!   own repository, where the backlog is a small part of the work.

use std::fmt::Write as _;
use std::path::PathBuf;

/// A small deterministic generator (SplitMix64), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const ROLES: &[&str] = &[
    "finance clerk",
    "bookkeeper",
    "small business owner",
    "support agent",
    "customer",
    "account owner",
];
const VERBS: &[&str] = &[
    "export", "import", "review", "approve", "archive", "search", "share", "schedule",
];
const THINGS: &[&str] = &[
    "invoices",
    "payments",
    "credit notes",
    "customers",
    "reminders",
    "receipts",
    "reports",
    "quotes",
];
const LABELS: &[&str] = &[
    "billing",
    "export",
    "payments",
    "onboarding",
    "security",
    "ui",
    "api",
    "reports",
];
const STATUSES: &[&str] = &["draft", "ready", "draft", "ready", "done", "idea"];

fn main() {
    let mut stories = 10_000usize;
    let mut history: Option<usize> = None;
    let mut shape = Shape::default();
    let mut out = PathBuf::from("target/bench-backlog");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--stories" => {
                stories = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--stories N")
            }
            "--out" => out = PathBuf::from(args.next().expect("--out DIR")),
            "--history" => {
                history = Some(
                    args.next()
                        .and_then(|v| v.parse().ok())
                        .expect("--history COMMITS"),
                )
            }
            "--body-kb" => shape.body_kb = number(&mut args, "--body-kb K"),
            "--files-per-commit" => {
                shape.files_per_commit = number::<usize>(&mut args, "--files-per-commit F").max(1)
            }
            "--renames" => shape.renames = number(&mut args, "--renames PERCENT"),
            "--merges" => shape.merges = number(&mut args, "--merges EVERY"),
            "--rebalance" => shape.rebalance = number(&mut args, "--rebalance EVERY"),
            "--code-commits" => shape.code_commits = number(&mut args, "--code-commits K"),
            other => {
                eprintln!("unknown argument {other}; usage: generate [--stories N] [--out DIR | --history COMMITS [--body-kb K] [--files-per-commit F] [--renames PERCENT] [--merges EVERY] [--rebalance EVERY] [--code-commits K]]");
                std::process::exit(2);
            }
        }
    }
    let mut rng = Rng(42);
    let mut all: Vec<Story> = (1..=stories).map(|n| Story::new(n, &mut rng)).collect();
    if shape.body_kb > 0 {
        // About 400 bytes a paragraph.
        let paragraphs = (shape.body_kb * 1024).div_ceil(400);
        for s in &mut all {
            s.prose = vec![0; paragraphs];
        }
    }
    let sprints: Vec<(String, String)> = [("2026-10-26", "2026-11-06"), ("2026-11-09", "2026-11-20"), ("2026-11-23", "2026-12-04")]
        .iter()
        .enumerate()
        .map(|(i, (start, end))| {
            let id = format!("2026-S{}", 21 + i);
            let text = format!("---\nid: {id}\ngoal: Sprint {}\nstart: {start}\nend: {end}\ncapacity: 400\n---\nNotes.\n", 21 + i);
            (format!("sprints/{id}.md"), text)
        })
        .collect();
    if let Some(commits) = history {
        fast_import(&mut all, &sprints, commits, &shape, &mut rng);
        return;
    }
    let dir = out.join(".backlog");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("stories")).expect("create stories/");
    std::fs::create_dir_all(dir.join("sprints")).expect("create sprints/");
    std::fs::write(dir.join("backlog.yaml"), CONFIG).expect("write backlog.yaml");
    for (path, text) in &sprints {
        std::fs::write(dir.join(path), text).expect("write sprint");
    }
    for s in &all {
        std::fs::write(dir.join(s.path()), s.render()).expect("write story");
    }
    println!("wrote {} stories to {}", stories, dir.display());
}

/// The shape of a generated history (see the module's documentation).
#[derive(Default)]
struct Shape {
    body_kb: usize,
    files_per_commit: usize,
    renames: u64,
    merges: usize,
    rebalance: usize,
    code_commits: usize,
}

fn number<T: std::str::FromStr>(args: &mut impl Iterator<Item = String>, usage: &str) -> T {
    match args.next().and_then(|v| v.parse().ok()) {
        Some(n) => n,
        None => {
            eprintln!("usage: {usage}");
            std::process::exit(2);
        }
    }
}

struct Story {
    n: usize,
    verb: &'static str,
    thing: &'static str,
    status: &'static str,
    rank: String,
    estimate: u64,
    goal: u64,
    labels: (&'static str, &'static str),
    depends: Option<u64>,
    value: [u64; 4],
    created: (u64, u64),
    role: &'static str,
    times: u64,
    counts: [u64; 3],
    /// Times the file was renamed (part of its name from the first rename on).
    renamed: u64,
    /// Long prose: the revision of each paragraph (empty: the short body).
    prose: Vec<u64>,
}

impl Story {
    fn new(n: usize, rng: &mut Rng) -> Story {
        Story {
            n,
            verb: rng.pick(VERBS),
            thing: rng.pick(THINGS),
            status: if n <= 60 { "done" } else { rng.pick(STATUSES) },
            rank: format!("{}.{}", n * 10, rng.below(10)),
            estimate: [1, 2, 3, 5, 8][rng.below(5) as usize],
            goal: 1 + rng.below(3),
            labels: (rng.pick(LABELS), rng.pick(LABELS)),
            depends: (n > 10 && rng.below(4) == 0).then(|| 1 + rng.below(n as u64 - 1)),
            value: [
                1 + rng.below(13),
                1 + rng.below(13),
                1 + rng.below(13),
                1 + rng.below(13),
            ],
            created: (1 + rng.below(12), 1 + rng.below(28)),
            role: rng.pick(ROLES),
            times: 2 + rng.below(40),
            counts: [2 + rng.below(50), 2 + rng.below(50), 2 + rng.below(50)],
            renamed: 0,
            prose: Vec::new(),
        }
    }

    fn path(&self) -> String {
        let again = if self.renamed > 0 {
            format!("-r{}", self.renamed)
        } else {
            String::new()
        };
        format!(
            "stories/S-{}-{}-{}{again}.md",
            self.n,
            self.verb,
            self.thing.replace(' ', "-")
        )
    }

    /// One edit of the story's fields (and, with long prose, of one of its
    /// paragraphs); returns the commit message.
    fn edit(&mut self, rng: &mut Rng, span: u64) -> String {
        let message = match rng.below(10) {
            0..=5 => {
                self.rank = format!("{}.{}", rng.below(span), rng.below(100));
                format!("Re-rank S-{}", self.n)
            }
            6..=7 => {
                self.status = rng.pick(STATUSES);
                format!("S-{} is {}", self.n, self.status)
            }
            _ => {
                self.estimate = [1, 2, 3, 5, 8, 13][rng.below(6) as usize];
                format!("Re-estimate S-{}", self.n)
            }
        };
        if !self.prose.is_empty() {
            let p = rng.below(self.prose.len() as u64) as usize;
            self.prose[p] += 1;
        }
        message
    }

    fn render(&self) -> String {
        let (n, verb, thing) = (self.n, self.verb, self.thing);
        let mut s = String::with_capacity(1100);
        let _ = writeln!(
            s,
            "---\nid: S-{n}\ntitle: {} {thing} number {n}{}\nkind: story\nstatus: {}",
            capitalise(verb),
            if self.renamed > 0 {
                format!(" (take {})", self.renamed + 1)
            } else {
                String::new()
            },
            self.status
        );
        let _ = writeln!(s, "rank: {}", self.rank);
        let _ = writeln!(s, "estimate: {}", self.estimate);
        let _ = writeln!(s, "goal: G-{}", self.goal);
        let _ = writeln!(s, "labels: [{}, {}]", self.labels.0, self.labels.1);
        if let Some(d) = self.depends {
            let _ = writeln!(s, "depends_on: [S-{d}]");
        }
        let _ = writeln!(s, "stakeholders: [finance, support]");
        let v = self.value;
        let _ = writeln!(
            s,
            "value: {{ business: {}, time_criticality: {}, risk_reduction: {}, job_size: {} }}",
            v[0], v[1], v[2], v[3]
        );
        if n <= 60 {
            let _ = writeln!(s, "sprint: 2026-S{}", 21 + (n - 1) / 20);
        }
        let _ = writeln!(
            s,
            "created: 2026-{:02}-{:02}\n---",
            self.created.0, self.created.1
        );
        let _ = writeln!(
            s,
            "As a **{}**, I want to {verb} {thing} in bulk from the overview page of ledger {},\nso that I can finish the month-end close without doing the same step {} times.\n",
            self.role, self.n, self.times
        );
        s.push_str("## Acceptance criteria\n");
        for (c, count) in self.counts.iter().enumerate() {
            let mark = if self.status == "done" { "x" } else { " " };
            let _ = writeln!(s, "- [{mark}] Given {count} selected {thing}, when I choose {verb}, then all of them are processed and a summary lists each result ({c})");
        }
        s.push_str("\n## Notes\nRaised at the customer day. Keep the existing keyboard shortcuts working and log every change for the audit trail.\n");
        for (p, revision) in self.prose.iter().enumerate() {
            s.push('\n');
            prose(&mut s, self.n, p, *revision);
        }
        s
    }
}

/// About 400 bytes of deterministic prose: paragraph `p` of story `n`, as
/// its `revision`-th edit left it, wrapped at 72 columns like real text.
fn prose(out: &mut String, n: usize, p: usize, revision: u64) {
    const WORDS: &[&str] = &[
        "the",
        "ledger",
        "shows",
        "each",
        "invoice",
        "once",
        "and",
        "a",
        "reviewer",
        "can",
        "follow",
        "why",
        "it",
        "moved",
        "between",
        "drafts",
        "customers",
        "expect",
        "totals",
        "to",
        "match",
        "their",
        "own",
        "records",
        "so",
        "reports",
        "round",
        "every",
        "amount",
        "before",
        "export",
        "while",
        "support",
        "answers",
        "questions",
        "about",
        "late",
        "payments",
        "in",
        "month-end",
        "close",
    ];
    let mut rng = Rng((n as u64) << 32 ^ (p as u64) << 16 ^ revision);
    let mut column = 0;
    let mut written = 0;
    while written < 400 {
        let w = rng.pick(WORDS);
        if column + w.len() + 1 > 72 {
            out.push('\n');
            column = 0;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(w);
        column += w.len();
        written += w.len() + 1;
    }
    out.push_str(".\n");
}

/// A file a commit writes or deletes, below `.backlog/`.
enum File {
    Write(String, String),
    Delete(String),
    /// A source file outside the backlog folder.
    Code(String, String),
}

/// One commit's edits: 1 to `files_per_commit` stories (none of `exclude`),
/// each re-ranked, re-stated or re-estimated, some renamed. Returns the
/// message, the files, and the stories touched.
fn edits(
    all: &mut [Story],
    shape: &Shape,
    span: u64,
    exclude: &[usize],
    rng: &mut Rng,
) -> (String, Vec<File>, Vec<usize>) {
    let count = if shape.files_per_commit > 1 {
        1 + rng.below(shape.files_per_commit as u64) as usize
    } else {
        1
    };
    let (mut files, mut touched, mut messages) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..count {
        let mut k = rng.below(all.len() as u64) as usize;
        let mut tries = 0;
        while (touched.contains(&k) || exclude.contains(&k)) && tries < 100 {
            k = rng.below(all.len() as u64) as usize;
            tries += 1;
        }
        if touched.contains(&k) || exclude.contains(&k) {
            continue;
        }
        let s = &mut all[k];
        let old_path = s.path();
        let mut message = s.edit(rng, span);
        if shape.renames > 0 && rng.below(100) < shape.renames {
            s.renamed += 1;
            files.push(File::Delete(old_path));
            message = format!("Rename S-{} (take {})", s.n, s.renamed + 1);
        }
        files.push(File::Write(s.path(), s.render()));
        touched.push(k);
        messages.push(message);
    }
    let message = match messages.len() {
        0 | 1 => messages.pop().unwrap_or_else(|| "Nothing".into()),
        n => format!("{} and {} more", messages[0], n - 1),
    };
    (message, files, touched)
}

/// Every story's rank renumbered 10, 20, 30… in backlog order (by rank,
/// then by number); the files whose rank changed, and the message.
fn rebalance(all: &mut [Story]) -> (String, Vec<File>) {
    let rank = |s: &Story| s.rank.parse::<f64>().unwrap_or(f64::MAX);
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| rank(&all[a]).total_cmp(&rank(&all[b])).then(a.cmp(&b)));
    let mut files = Vec::new();
    for (place, k) in order.into_iter().enumerate() {
        let new = ((place + 1) * 10).to_string();
        if all[k].rank != new {
            all[k].rank = new;
            files.push(File::Write(all[k].path(), all[k].render()));
        }
    }
    ("Rebalance the ranks".into(), files)
}

/// A `git fast-import` stream on stdout: the backlog, then `commits` edits
/// (merge commits count as commits).
fn fast_import(
    all: &mut [Story],
    sprints: &[(String, String)],
    commits: usize,
    shape: &Shape,
    rng: &mut Rng,
) {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut time = 1_790_000_000u64;
    let mut mark = 0usize;
    // One commit on `branch`, started from `from` and merging `merge` when
    // given (otherwise it continues the branch); returns its mark.
    let mut emit = |out: &mut dyn Write,
                    branch: &str,
                    (from, merge): (Option<usize>, Option<usize>),
                    message: &str,
                    files: &[File],
                    time: u64,
                    author: &str| {
        mark += 1;
        let email = author.to_lowercase().replace(' ', ".");
        let _ = writeln!(out, "commit refs/heads/{branch}\nmark :{mark}");
        let _ = writeln!(out, "author {author} <{email}@example.com> {time} +0000");
        let _ = writeln!(out, "committer {author} <{email}@example.com> {time} +0000");
        let _ = writeln!(out, "data {}\n{message}", message.len());
        if let Some(f) = from {
            let _ = writeln!(out, "from :{f}");
        }
        if let Some(m) = merge {
            let _ = writeln!(out, "merge :{m}");
        }
        for f in files {
            match f {
                File::Write(path, text) => {
                    let _ = writeln!(
                        out,
                        "M 100644 inline .backlog/{path}\ndata {}\n{text}",
                        text.len()
                    );
                }
                File::Delete(path) => {
                    let _ = writeln!(out, "D .backlog/{path}");
                }
                File::Code(path, text) => {
                    let _ = writeln!(out, "M 100644 inline {path}\ndata {}\n{text}", text.len());
                }
            }
        }
        let _ = writeln!(out);
        mark
    };
    let mut files: Vec<File> = vec![File::Write("backlog.yaml".into(), CONFIG.into())];
    files.extend(
        sprints
            .iter()
            .map(|(p, t)| File::Write(p.clone(), t.clone())),
    );
    files.extend(all.iter().map(|s| File::Write(s.path(), s.render())));
    let sources = match shape.code_commits {
        0 => 0,
        _ => 3_000,
    };
    files.extend((0..sources).map(|k| File::Code(source_path(k), source_text(k, 0))));
    let mut main = emit(
        &mut out,
        "main",
        (None, None),
        "Import the backlog",
        &files,
        time,
        "Pat Owner",
    );
    let authors = ["Pat Owner", "Sam Dev", "Kim Lead"];
    let span = all.len() as u64 * 10;
    let mut c = 0;
    while c < commits {
        if shape.merges > 0 && c > 0 && c % shape.merges == 0 && c + 4 <= commits {
            // A side branch of two commits, one commit on the main line
            // meanwhile (on other stories), and the merge.
            // One branch name for all of them: each starts anew from main.
            let branch = "topic";
            let mut side = None;
            let mut touched: Vec<usize> = Vec::new();
            let mut paths_at_branch: Vec<String> = Vec::new();
            for j in 0..2 {
                time += 600;
                let before: Vec<String> = all.iter().map(Story::path).collect();
                let (message, files, t) = edits(all, shape, span, &touched, rng);
                for k in &t {
                    paths_at_branch.push(before[*k].clone());
                }
                touched.extend(t);
                let from = if j == 0 { Some(main) } else { None };
                side = Some(emit(
                    &mut out,
                    branch,
                    (from, None),
                    &message,
                    &files,
                    time,
                    authors[c % 3],
                ));
                c += 1;
            }
            time += 600;
            let (message, files, _) = edits(all, shape, span, &touched, rng);
            emit(
                &mut out,
                "main",
                (None, None),
                &message,
                &files,
                time,
                authors[c % 3],
            );
            c += 1;
            // The merge writes the side branch's stories as they now are.
            time += 600;
            let mut files = Vec::new();
            for (k, old) in touched.iter().zip(&paths_at_branch) {
                if *old != all[*k].path() {
                    files.push(File::Delete(old.clone()));
                }
                files.push(File::Write(all[*k].path(), all[*k].render()));
            }
            let message = format!("Merge branch '{branch}'");
            main = emit(
                &mut out,
                "main",
                (None, side),
                &message,
                &files,
                time,
                authors[c % 3],
            );
            c += 1;
            continue;
        }
        time += 600;
        let code = shape.code_commits > 0 && c % (shape.code_commits + 1) != 0;
        let (message, files) = if code {
            let files = (0..1 + rng.below(3))
                .map(|_| {
                    let k = rng.below(sources as u64) as usize;
                    File::Code(source_path(k), source_text(k, c))
                })
                .collect();
            (format!("Change the code ({c})"), files)
        } else if shape.rebalance > 0 && c > 0 && c % shape.rebalance == 0 {
            rebalance(all)
        } else {
            let (message, files, _) = edits(all, shape, span, &[], rng);
            (message, files)
        };
        main = emit(
            &mut out,
            "main",
            (None, None),
            &message,
            &files,
            time,
            authors[c % 3],
        );
        c += 1;
    }
    let _ = out.flush();
}

/// The `k`th of the project's source files, in 200 folders.
fn source_path(k: usize) -> String {
    format!("src/area{}/part{}/file{k}.rs", k / 75, k / 15 % 5)
}

/// A source file's text at revision `revision`: about 1 KB.
fn source_text(k: usize, revision: usize) -> String {
    let mut text = format!("// file {k}, revision {revision}\n");
    for line in 0..40 {
        let _ = writeln!(text, "fn step_{line}() -> u32 {{ {} }}", line * 7 + k);
    }
    text
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

const CONFIG: &str = "product: Benchmark
id_prefix: S
goals:
  - { id: G-1, title: One, status: active }
  - { id: G-2, title: Two, status: active }
  - { id: G-3, title: Three, status: active }
workflow:
  statuses: [idea, draft, ready, in-progress, review, done]
  done: [done]
scoring: wsjf
";
