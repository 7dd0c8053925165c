//! Generates a large, valid backlog for benchmarks (docs/benchmarks.md).
//!
//! `cargo run --release --example generate -- --stories 10000 --out DIR`
//! writes DIR/.backlog with backlog.yaml, N stories of about 1 KB each and a
//! few sprints. Output is deterministic: the same arguments give the same bytes.

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
            other => {
                eprintln!("unknown argument {other}; usage: generate [--stories N] [--out DIR]");
                std::process::exit(2);
            }
        }
    }
    let dir = out.join(".backlog");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("stories")).expect("create stories/");
    std::fs::create_dir_all(dir.join("sprints")).expect("create sprints/");
    std::fs::write(dir.join("backlog.yaml"), CONFIG).expect("write backlog.yaml");
    for (i, (start, end)) in [
        ("2026-10-26", "2026-11-06"),
        ("2026-11-09", "2026-11-20"),
        ("2026-11-23", "2026-12-04"),
    ]
    .iter()
    .enumerate()
    {
        let id = format!("2026-S{}", 21 + i);
        let text = format!("---\nid: {id}\ngoal: Sprint {}\nstart: {start}\nend: {end}\ncapacity: 400\n---\nNotes.\n", 21 + i);
        std::fs::write(dir.join("sprints").join(format!("{id}.md")), text).expect("write sprint");
    }
    let mut rng = Rng(42);
    for n in 1..=stories {
        let verb = rng.pick(VERBS);
        let thing = rng.pick(THINGS);
        let title = format!("{} {thing} number {n}", capitalise(verb));
        let status = if n <= 60 { "done" } else { rng.pick(STATUSES) };
        let mut s = String::with_capacity(1100);
        let _ = writeln!(
            s,
            "---\nid: S-{n}\ntitle: {title}\nkind: story\nstatus: {status}"
        );
        let _ = writeln!(s, "rank: {}.{}", n * 10, rng.below(10));
        let _ = writeln!(s, "estimate: {}", [1, 2, 3, 5, 8][rng.below(5) as usize]);
        let _ = writeln!(s, "goal: G-{}", 1 + rng.below(3));
        let _ = writeln!(s, "labels: [{}, {}]", rng.pick(LABELS), rng.pick(LABELS));
        if n > 10 && rng.below(4) == 0 {
            let _ = writeln!(s, "depends_on: [S-{}]", 1 + rng.below(n as u64 - 1));
        }
        let _ = writeln!(s, "stakeholders: [finance, support]");
        let _ = writeln!(
            s,
            "value: {{ business: {}, time_criticality: {}, risk_reduction: {}, job_size: {} }}",
            1 + rng.below(13),
            1 + rng.below(13),
            1 + rng.below(13),
            1 + rng.below(13)
        );
        if n <= 60 {
            let _ = writeln!(s, "sprint: 2026-S{}", 21 + (n - 1) / 20);
        }
        let _ = writeln!(
            s,
            "created: 2026-{:02}-{:02}\n---",
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let _ = writeln!(
            s,
            "As a **{}**, I want to {verb} {thing} in bulk from the overview page,\nso that I can finish the month-end close without doing the same step {} times.\n",
            rng.pick(ROLES),
            2 + rng.below(40)
        );
        s.push_str("## Acceptance criteria\n");
        for c in 0..3 {
            let mark = if status == "done" { "x" } else { " " };
            let _ = writeln!(
                s,
                "- [{mark}] Given {} selected {thing}, when I choose {verb}, then all of them are processed and a summary lists each result ({c})",
                2 + rng.below(50)
            );
        }
        s.push_str("\n## Notes\nRaised at the customer day. Keep the existing keyboard shortcuts working and log every change for the audit trail.\n");
        std::fs::write(
            dir.join("stories")
                .join(format!("S-{n}-{verb}-{}.md", thing.replace(' ', "-"))),
            s,
        )
        .expect("write story");
    }
    println!("wrote {} stories to {}", stories, dir.display());
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
