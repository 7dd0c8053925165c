//! Generates a large, valid backlog for benchmarks (docs/benchmarks.md).
//!
//! `cargo run --release --example generate -- --stories 10000 --out DIR`
//! writes DIR/.backlog with backlog.yaml, N stories of about 1 KB each and a
//! few sprints. With `--history COMMITS` it instead prints a `git
//! fast-import` stream: one commit adding the whole backlog, then COMMITS
//! commits that each edit one story (mostly re-ranks, some status and
//! estimate changes). Output is deterministic: the same arguments give the
//! same bytes.

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
            other => {
                eprintln!("unknown argument {other}; usage: generate [--stories N] [--out DIR | --history COMMITS]");
                std::process::exit(2);
            }
        }
    }
    let mut rng = Rng(42);
    let mut all: Vec<Story> = (1..=stories).map(|n| Story::new(n, &mut rng)).collect();
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
        fast_import(&mut all, &sprints, commits, &mut rng);
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
        }
    }

    fn path(&self) -> String {
        format!(
            "stories/S-{}-{}-{}.md",
            self.n,
            self.verb,
            self.thing.replace(' ', "-")
        )
    }

    fn render(&self) -> String {
        let (n, verb, thing) = (self.n, self.verb, self.thing);
        let mut s = String::with_capacity(1100);
        let _ = writeln!(
            s,
            "---\nid: S-{n}\ntitle: {} {thing} number {n}\nkind: story\nstatus: {}",
            capitalise(verb),
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
        s
    }
}

/// A `git fast-import` stream on stdout: the backlog, then `commits` edits.
fn fast_import(all: &mut [Story], sprints: &[(String, String)], commits: usize, rng: &mut Rng) {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut time = 1_790_000_000u64;
    let emit_commit = |out: &mut dyn Write,
                       message: &str,
                       files: &[(String, String)],
                       time: u64,
                       author: &str| {
        let _ = writeln!(out, "commit refs/heads/main");
        let _ = writeln!(
            out,
            "author {author} <{}@example.com> {time} +0000",
            author.to_lowercase().replace(' ', ".")
        );
        let _ = writeln!(
            out,
            "committer {author} <{}@example.com> {time} +0000",
            author.to_lowercase().replace(' ', ".")
        );
        let _ = writeln!(out, "data {}\n{message}", message.len());
        for (path, text) in files {
            let _ = writeln!(
                out,
                "M 100644 inline .backlog/{path}\ndata {}\n{text}",
                text.len()
            );
        }
        let _ = writeln!(out);
    };
    let mut files: Vec<(String, String)> = vec![("backlog.yaml".into(), CONFIG.into())];
    files.extend(sprints.iter().cloned());
    files.extend(all.iter().map(|s| (s.path(), s.render())));
    emit_commit(&mut out, "Import the backlog", &files, time, "Pat Owner");
    let authors = ["Pat Owner", "Sam Dev", "Kim Lead"];
    let span = all.len() as u64 * 10;
    for c in 0..commits {
        time += 600;
        let k = rng.below(all.len() as u64) as usize;
        let s = &mut all[k];
        let message = match rng.below(10) {
            0..=5 => {
                s.rank = format!("{}.{}", rng.below(span), rng.below(100));
                format!("Re-rank S-{}", s.n)
            }
            6..=7 => {
                s.status = rng.pick(STATUSES);
                format!("S-{} is {}", s.n, s.status)
            }
            _ => {
                s.estimate = [1, 2, 3, 5, 8, 13][rng.below(6) as usize];
                format!("Re-estimate S-{}", s.n)
            }
        };
        let file = vec![(s.path(), s.render())];
        emit_commit(&mut out, &message, &file, time, authors[c % 3]);
    }
    let _ = out.flush();
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
