//! The story-quality benchmark (docs/benchmarks.md): turns a user-story set
//! (one story per line) into a backlog, runs `check`, and scores the
//! quality rules against experts' defect labels, beside AQUSA's output on
//! the same labels.
//!
//! ```sh
//! cargo run --release --example quality -- ../shared/corpora/user-stories/g13-planningpoker.txt \
//!     --labels ../shared/corpora/story-quality/g13_esp1.csv \
//!     --labels ../shared/corpora/story-quality/g13_esp2.csv \
//!     --aqusa ../shared/corpora/story-quality/g13-planningpoker-result.txt
//! cargo run --release --example quality -- ../shared/corpora/user-stories/*.txt   # rates only
//! cargo run --release --example quality -- --show SET.txt   # and every finding, to read
//! ```

use std::collections::{BTreeMap, BTreeSet};

use backlog::source::Memory;

/// Label columns of the experts' CSV, and the rule each is scored against.
const LABELS: &[(&str, &str)] = &[
    ("well_formed.no_role", "story-role-missing"),
    ("well_formed.no_means", "story-means-missing"),
    ("atomic.conjunctions", "story-not-atomic"),
    ("minimal.punctuation", "story-not-minimal"),
    ("minimal.brackets", "story-not-minimal"),
    ("minimal.indicator_repetition", "story-not-minimal"),
    ("unique.identical", "story-duplicate"),
    ("uniform.uniform", "story-not-uniform"),
];

fn rules() -> BTreeSet<&'static str> {
    LABELS.iter().map(|(_, r)| *r).collect()
}

/// Story number (1-based line) -> rules that fired.
type Flags = BTreeMap<usize, BTreeSet<String>>;

/// The rules `check` reports on each story of a set, and (with `show`)
/// prints each finding beside the story it is about.
fn check_set(lines: &[String], show: bool) -> Flags {
    let mut m = Memory::new(".backlog");
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let text =
            format!("---\nid: S-{n}\ntitle: Story {n}\nstatus: draft\nrank: {n}\n---\n{line}\n");
        m.insert(format!("stories/S-{n}-story.md"), text);
    }
    let snapshot = backlog::load::load(&m).expect("memory sources do not fail");
    let mut flags = Flags::new();
    for f in backlog::check::check(&snapshot) {
        let name = f.location.path.to_string_lossy().into_owned();
        let Some(n) = name
            .strip_prefix(".backlog/stories/S-")
            .and_then(|r| r.split('-').next())
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        if show && rules().contains(f.rule.name()) {
            println!(
                "  #{n} {}: {}\n      {}",
                f.rule.name(),
                f.message,
                lines[n - 1]
            );
        }
        flags
            .entry(n)
            .or_default()
            .insert(f.rule.name().to_string());
    }
    flags
}

/// A small CSV reader: quoted fields with doubled quotes, one record a line.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(std::mem::take(&mut cell)),
                (c, _) => cell.push(c),
            }
        }
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// The experts' labels, as rules per story.
fn labels(text: &str) -> Flags {
    let rows = csv_rows(text);
    let header = &rows[0];
    let mut out = Flags::new();
    for row in &rows[1..] {
        let Ok(n) = row[0].trim().parse::<usize>() else {
            continue;
        };
        let entry = out.entry(n).or_default();
        for (label, rule) in LABELS {
            let Some(col) = header.iter().position(|h| h == label) else {
                continue;
            };
            if row.get(col).is_some_and(|v| v.trim() == "1") {
                entry.insert(rule.to_string());
            }
        }
    }
    out
}

/// AQUSA's findings from its text report ("Story #N" ... "Defect type: X").
fn aqusa(text: &str) -> Flags {
    let mut out = Flags::new();
    let mut story = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Story #") {
            story = rest
                .split(':')
                .next()
                .and_then(|n| n.trim().parse::<usize>().ok());
        } else if let Some(kind) = line.trim().strip_prefix("Defect type: ") {
            if let (Some(n), Some((_, rule))) =
                (story, LABELS.iter().find(|(l, _)| *l == kind.trim()))
            {
                out.entry(n).or_default().insert(rule.to_string());
            }
        }
    }
    out
}

/// (true positives, false positives, false negatives) of `got` against `want`.
fn score(got: &Flags, want: &Flags, rule: &str, stories: usize) -> (usize, usize, usize) {
    let has = |f: &Flags, n: usize| f.get(&n).is_some_and(|s| s.contains(rule));
    let (mut tp, mut fp, mut fne) = (0, 0, 0);
    for n in 1..=stories {
        match (has(got, n), has(want, n)) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fne += 1,
            _ => {}
        }
    }
    (tp, fp, fne)
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sets = Vec::new();
    let mut label_files = Vec::new();
    let mut aqusa_file = None;
    let mut show = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--labels" => label_files.push(it.next().expect("--labels FILE").clone()),
            "--aqusa" => aqusa_file = Some(it.next().expect("--aqusa FILE").clone()),
            "--show" => show = true,
            path => sets.push(path.to_string()),
        }
    }
    for set in &sets {
        let text = std::fs::read_to_string(set).expect("a readable story set");
        let lines: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        let started = std::time::Instant::now();
        let flags = check_set(&lines, show);
        let took = started.elapsed();
        // How often each rule fires on the set.
        let rates: Vec<String> = rules()
            .iter()
            .map(|r| {
                let n = flags.values().filter(|s| s.contains(*r)).count();
                format!("{r} {n}")
            })
            .collect();
        println!(
            "{set}: {} stories, checked in {took:?}; flagged: {}",
            lines.len(),
            rates.join(", ")
        );
        if label_files.is_empty() {
            continue;
        }
        let theirs = aqusa_file
            .as_ref()
            .map(|f| aqusa(&std::fs::read_to_string(f).expect("AQUSA output")));
        for lf in &label_files {
            let want = labels(&std::fs::read_to_string(lf).expect("a label file"));
            println!("\nagainst {lf}");
            println!(
                "{:<22} {:>9} {:>7}   {:>9} {:>7}",
                "rule", "precision", "recall", "AQUSA p", "AQUSA r"
            );
            let (mut all, mut all_a) = ((0, 0, 0), (0, 0, 0));
            for rule in rules() {
                let (tp, fp, fne) = score(&flags, &want, rule, lines.len());
                all = (all.0 + tp, all.1 + fp, all.2 + fne);
                let (atp, afp, afn) = theirs
                    .as_ref()
                    .map_or((0, 0, 0), |t| score(t, &want, rule, lines.len()));
                all_a = (all_a.0 + atp, all_a.1 + afp, all_a.2 + afn);
                println!(
                    "{rule:<22} {:>9} {:>7}   {:>9} {:>7}   (labelled {})",
                    ratio(tp, tp + fp),
                    ratio(tp, tp + fne),
                    ratio(atp, atp + afp),
                    ratio(atp, atp + afn),
                    tp + fne
                );
            }
            println!(
                "{:<22} {:>9} {:>7}   {:>9} {:>7}",
                "overall",
                ratio(all.0, all.0 + all.1),
                ratio(all.0, all.0 + all.2),
                ratio(all_a.0, all_a.0 + all_a.1),
                ratio(all_a.0, all_a.0 + all_a.2)
            );
        }
    }
}
