//! Property tests: no input makes loading or checking panic.

use proptest::prelude::*;

use backlog::source::Memory;

fn load_and_check(story: &[u8], config: &[u8]) {
    let mut m = Memory::new(".backlog");
    m.insert("backlog.yaml", config.to_vec());
    m.insert("stories/S-1-a.md", story.to_vec());
    m.insert("sprints/2026-S1.md", story.to_vec());
    let snapshot = backlog::load::load(&m).expect("memory sources do not fail");
    let findings = backlog::check::check(&snapshot);
    for f in findings {
        assert!(f.location.line >= 1 && f.location.column >= 1);
    }
    let _ = backlog::views::list::rows(&snapshot, &backlog::views::list::Filter::default());
}

/// Front-matter-shaped text: fences, keys of the format, YAML punctuation.
fn front_matter_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_string()),
        Just("id: S-1\n".to_string()),
        Just("status: ready\n".to_string()),
        Just("rank: 1.5\n".to_string()),
        Just("depends_on: [S-1, S-2]\n".to_string()),
        Just("review:\n  decisions:\n    - { story: S-1, decision: accepted }\n".to_string()),
        Just("value: { business: 3 }\n".to_string()),
        Just("## Acceptance criteria\n- [ ] x\n".to_string()),
        Just("As a user, I want x, so that y\n".to_string()),
        "[ -~\n]{0,40}",
        "[\\[\\]{}:,&*!|>'\"#-]{0,12}",
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(story in prop::collection::vec(any::<u8>(), 0..400)) {
        load_and_check(&story, b"product: x\n");
    }

    #[test]
    fn front_matter_like_text_never_panics(story in front_matter_like(), config in front_matter_like()) {
        load_and_check(story.as_bytes(), config.replace("---\n", "").as_bytes());
    }

    /// History reads a story without its body where the body cannot hold
    /// criteria, and drops its text: what it compares (every field, the
    /// criteria) is what a full read gives.
    #[test]
    fn a_story_read_for_history_has_the_fields_and_criteria_of_a_full_read(
        heading in prop::sample::select(vec!["## Acceptance criteria", "## ACCEPTANCE CRITERIA:", "Acceptance Criteria\n---", "Acceptance\ncriteria\n===", "> ## Acceptance criteria", "- ## Acceptance criteria", "The criteria are below:", "## Notes", ""]),
        items in prop::collection::vec("[a-z ]{1,12}", 0..4),
        checked in any::<bool>(),
        rank in "[0-9]{1,3}",
    ) {
        let list: String = items
            .iter()
            .map(|i| format!("- [{}] {i}\n", if checked { "x" } else { " " }))
            .collect();
        let text = format!(
            "---\nid: S-1\ntitle: T\nstatus: ready\nrank: {rank}\nlabels: [a, b]\n---\nAs a user, I want x, so that y.\n\n{heading}\n{list}"
        );
        let full = backlog::load::story_from_bytes("s.md".into(), text.clone().into_bytes()).unwrap();
        let lean = backlog::load::story_fields_from_bytes("s.md".into(), text.into_bytes()).unwrap();
        for name in backlog::model::field::story_names() {
            prop_assert_eq!(full.field_text(name), lean.field_text(name), "{}", name);
        }
        prop_assert_eq!(full.criteria, lean.criteria);
        prop_assert_eq!(lean.doc.text.as_str(), "");
    }

    /// The first-byte scan finds what comparing a window at every byte found.
    #[test]
    fn find_ignore_case_agrees_with_comparing_every_window(
        text in "[aAbBcC É\u{212a}]{0,40}",
        needle in "[aAbBcC]{0,4}",
    ) {
        let naive = if needle.is_empty() {
            Some(0)
        } else {
            text.as_bytes()
                .windows(needle.len())
                .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
        };
        prop_assert_eq!(backlog::syntax::body::find_ignore_case(&text, &needle), naive);
    }
}

mod edits {
    use proptest::prelude::*;
    use serde_yaml::Value;

    use backlog::edit::line::{apply, text_token, FieldEdit};

    const ORDER: &[&str] = &["id", "title", "status", "rank", "estimate", "labels"];

    /// Front matter with comments, odd spacing, quoting, block lists and
    /// CRLF, around a `rank:` line.
    fn story() -> impl Strategy<Value = (String, bool)> {
        let pad = prop_oneof![Just(" "), Just("   "), Just("\t ")];
        let comment = prop_oneof![Just(""), Just(" # note"), Just("   #: tricky, [x]")];
        let extra = prop::sample::subsequence(
            vec![
                "# a comment line\n".to_string(),
                "\n".to_string(),
                "labels:\n  - a\n  - 'b: c'\n".to_string(),
                "title: \"Quoted: title\"\n".to_string(),
                "x-note: >\n  folded\n  text\n".to_string(),
                "estimate: 3\n".to_string(),
            ],
            0..=6,
        );
        (
            pad,
            comment,
            extra,
            prop::collection::vec(any::<bool>(), 1..2),
            "[0-9]{1,3}(\\.[0-9]{1,3})?",
        )
            .prop_map(|(pad, comment, extras, crlf, rank)| {
                let mut s = String::from("---\nid: S-1\n");
                let (before, after) = extras.split_at(extras.len() / 2);
                before.iter().for_each(|e| s.push_str(e));
                s.push_str(&format!("rank:{pad}{rank}{comment}\n"));
                after.iter().for_each(|e| s.push_str(e));
                s.push_str("---\nBody with `rank: 1` in it.\n");
                if crlf[0] {
                    (s.replace('\n', "\r\n"), true)
                } else {
                    (s, false)
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn a_rank_edit_changes_exactly_one_line((text, _crlf) in story(), new_rank in "[0-9]{1,4}(\\.[0-9]{1,4})?") {
            let out = apply(&text, &[FieldEdit { key: "rank".into(), token: Some(new_rank.clone()) }], ORDER).unwrap();
            let old_lines: Vec<&str> = text.split_inclusive('\n').collect();
            let new_lines: Vec<&str> = out.split_inclusive('\n').collect();
            prop_assert_eq!(old_lines.len(), new_lines.len());
            let changed: Vec<usize> = (0..old_lines.len()).filter(|&i| old_lines[i] != new_lines[i]).collect();
            prop_assert!(changed.len() <= 1);
            for i in changed {
                prop_assert!(old_lines[i].starts_with("rank:"));
                prop_assert_eq!(line_ending(old_lines[i]), line_ending(new_lines[i]));
            }
            let fm = backlog::syntax::document::split(&out).unwrap();
            let v: Value = serde_yaml::from_str(fm.yaml).unwrap();
            let expected: Value = serde_yaml::from_str(&new_rank).unwrap();
            prop_assert_eq!(v.get("rank"), Some(&expected));
        }

        #[test]
        fn a_title_edit_reads_back((text, _crlf) in story(), title in "[ -~]{1,30}") {
            let title = title.trim().to_string();
            prop_assume!(!title.is_empty());
            let out = apply(&text, &[FieldEdit { key: "title".into(), token: Some(text_token(&title)) }], ORDER).unwrap();
            let fm = backlog::syntax::document::split(&out).unwrap();
            let v: Value = serde_yaml::from_str(fm.yaml).unwrap();
            prop_assert_eq!(v.get("title"), Some(&Value::String(title)));
            prop_assert!(out.ends_with(document_body(&text)));
        }
    }

    fn line_ending(l: &str) -> &str {
        if l.ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    fn document_body(text: &str) -> &str {
        backlog::syntax::document::split(text).unwrap().body
    }
}

mod stale {
    use backlog::edit::line::FieldEdit;
    use backlog::edit::write::{write_changes, FileChange, WriteError};

    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = std::env::temp_dir().join(format!("backlog-stale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("S-1.md");
        let original = "---\nid: S-1\nrank: 1\n---\n";
        std::fs::write(&path, "---\nid: S-1\nrank: 1\n---\nedited meanwhile\n").unwrap();
        let change = FileChange {
            path: path.clone(),
            display: path.clone(),
            original: original.into(),
            edits: vec![FieldEdit {
                key: "rank".into(),
                token: Some("2".into()),
            }],
            order: backlog::model::field::story_order(),
        };
        let err = write_changes(&[change]).unwrap_err();
        assert!(matches!(err, WriteError::Changed { .. }), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "---\nid: S-1\nrank: 1\n---\nedited meanwhile\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Placements in backlogs full of ties: every move ends exactly where it
/// was asked to, compared with a model of the order (a list with the story
/// taken out and put back at its new index).
mod placement {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use backlog::model::order::backlog_order;
    use backlog::model::rank::Rank;
    use backlog::model::{Snapshot, StoryId};
    use backlog::plan::reorder::{plan_insert, plan_move, RankChange, Target};
    use backlog::source::Memory;

    /// A backlog of stories S-1..S-n with these ranks (`None`: unranked).
    fn backlog(ranks: &[Option<&str>]) -> Snapshot {
        let mut m = Memory::new(".backlog");
        for (i, r) in ranks.iter().enumerate() {
            let rank = r.map(|r| format!("rank: {r}\n")).unwrap_or_default();
            let text = format!(
                "---\nid: S-{n}\ntitle: Story {n}\nstatus: ready\n{rank}---\n",
                n = i + 1
            );
            m.insert(format!("stories/S-{}-x.md", i + 1), text);
        }
        backlog::load::load(&m).unwrap()
    }

    /// The order after `changes`, as ids.
    fn order_after(s: &Snapshot, changes: &[RankChange], new: Option<&Rank>) -> Vec<String> {
        let mut ranks: HashMap<StoryId, Option<Rank>> = s
            .stories
            .iter()
            .map(|x| (x.id.clone(), x.rank.clone()))
            .collect();
        for c in changes {
            ranks.insert(c.id.clone(), Some(c.new.clone()));
        }
        if let Some(r) = new {
            // The new story's id sorts after every existing one.
            ranks.insert(StoryId::new("S-999999"), Some(r.clone()));
        }
        let mut ids: Vec<&StoryId> = ranks.keys().collect();
        ids.sort_by(|a, b| backlog_order((ranks[*a].as_ref(), a), (ranks[*b].as_ref(), b)));
        ids.iter().map(|i| i.to_string()).collect()
    }

    fn ids(s: &Snapshot) -> Vec<String> {
        s.ranked().iter().map(|x| x.id.to_string()).collect()
    }

    /// The order the user asked for: `mover` taken out, then put at the
    /// index `target` names among the rest.
    fn expected(s: &Snapshot, mover: &str, target: &Target) -> Option<Vec<String>> {
        let mut rest: Vec<String> = ids(s).into_iter().filter(|i| i != mover).collect();
        let ranked = s
            .stories
            .iter()
            .filter(|x| x.rank.is_some() && x.id.as_str() != mover)
            .count();
        let at = match target {
            Target::Bottom => ranked,
            Target::Before(o) => rest.iter().position(|i| i == o)?,
            Target::After(o) => rest.iter().position(|i| i == o)? + 1,
            Target::To(p) => (p - 1).min(rest.len()),
            Target::Top => 0,
        };
        rest.insert(at, mover.to_string());
        Some(rest)
    }

    #[test]
    fn three_tied_stories_take_a_move_between_them() {
        let s = backlog(&[Some("5"), Some("5"), Some("5"), Some("5")]);
        let m = plan_move(&s, "S-4", &Target::After("S-1".into())).unwrap();
        assert_eq!(
            order_after(&s, &m.changes, None),
            ["S-1", "S-4", "S-2", "S-3"]
        );
        assert_eq!(m.new_position, 2);
        let p = plan_insert(&s, &Target::After("S-1".into())).unwrap();
        assert_eq!(p.position, 2);
        assert_eq!(
            order_after(&s, &p.others, p.rank.as_ref()),
            ["S-1", "S-999999", "S-2", "S-3", "S-4"]
        );
    }

    #[test]
    fn ten_thousand_tied_stories_change_few_ranks() {
        let ranks: Vec<Option<&str>> = vec![Some("5"); 10_000];
        let s = backlog(&ranks);
        let m = plan_move(&s, "S-5000", &Target::After("S-10".into())).unwrap();
        let order = order_after(&s, &m.changes, None);
        assert_eq!(order.iter().position(|i| i == "S-5000"), Some(10));
        assert_eq!(m.new_position, 11);
        // S-1..S-10 and S-5000 move below the tie; the other 9,989 keep rank 5.
        assert_eq!(
            m.changes.len(),
            11,
            "{:?}",
            m.changes
                .iter()
                .map(|c| c.id.to_string())
                .collect::<Vec<_>>()
        );
    }

    fn rank_strategy() -> impl Strategy<Value = Option<&'static str>> {
        prop_oneof![
            4 => Just(Some("5")),
            2 => Just(Some("7")),
            1 => Just(Some("2.5")),
            1 => Just(None),
        ]
    }

    proptest! {
        #[test]
        fn every_move_lands_where_it_was_asked(
            ranks in prop::collection::vec(rank_strategy(), 2..12),
            mover in 1usize..12,
            other in 1usize..12,
            kind in 0u8..5,
        ) {
            let n = ranks.len();
            let (mover, other) = (format!("S-{}", (mover - 1) % n + 1), format!("S-{}", (other - 1) % n + 1));
            prop_assume!(mover != other);
            let s = backlog(&ranks);
            let target = match kind {
                0 => Target::Before(other.clone()),
                1 => Target::After(other.clone()),
                2 => Target::Bottom,
                3 => Target::To((other[2..].parse::<usize>().unwrap()).min(n)),
                _ => Target::Top,
            };
            let Some(want) = expected(&s, &mover, &target) else { return Ok(()) };
            match plan_move(&s, &mover, &target) {
                // Placing after an unranked story is refused, never misplaced.
                Err(_) => {}
                Ok(m) => {
                    let got = order_after(&s, &m.changes, None);
                    prop_assert_eq!(&got, &want, "changes: {:?}", m.changes);
                    prop_assert_eq!(got.iter().position(|i| *i == mover).unwrap() + 1, m.new_position);
                    // The mover changes, others only when ties force it.
                    for c in &m.changes {
                        if c.id.as_str() != mover {
                            let tied = s.stories.iter().filter(|x| x.rank == c.old).count() > 1;
                            prop_assert!(tied, "{} re-ranked without a tie", c.id);
                        }
                    }
                }
            }
        }
    }
}

/// Two writers at once, through the same code path as the command line
/// (`cli::run` in two threads): whatever the interleaving, every edit that
/// reported success is on disk at the end.
mod concurrent_writers {
    use proptest::prelude::*;

    /// Runs `backlog ARGS` in-process; its exit code.
    fn run(args: &[String]) -> i32 {
        use clap::Parser;
        let cli = backlog::cli::Cli::try_parse_from(args).unwrap();
        let mut out = Vec::new();
        match backlog::cli::run(cli, &mut out) {
            Ok(exit) => exit.code(),
            Err(e) => panic!("{args:?}: {e}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn no_update_is_lost(
            estimates in prop::collection::vec(1u32..40, 1..6),
            labels in prop::collection::vec("[a-z]{1,6}", 1..6),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let backlog = dir.path().join(".backlog");
            std::fs::create_dir_all(backlog.join("stories")).unwrap();
            std::fs::write(
                backlog.join("stories/S-1-a.md"),
                "---\nid: S-1\ntitle: A\nstatus: draft\nrank: 10\n---\nbody\n",
            )
            .unwrap();
            let base = ["backlog".to_string(), "--dir".into(), backlog.display().to_string()];
            let with = |extra: &[String]| base.iter().cloned().chain(extra.iter().cloned()).collect::<Vec<_>>();
            let a: Vec<Vec<String>> = estimates
                .iter()
                .map(|e| with(&["set".into(), "S-1".into(), format!("estimate={e}")]))
                .collect();
            let b: Vec<Vec<String>> = labels
                .iter()
                .map(|l| with(&["set".into(), "S-1".into(), format!("labels={l}")]))
                .collect();
            let (ra, rb) = std::thread::scope(|s| {
                let ta = s.spawn(|| a.iter().map(|args| run(args)).collect::<Vec<_>>());
                let tb = s.spawn(|| b.iter().map(|args| run(args)).collect::<Vec<_>>());
                (ta.join().unwrap(), tb.join().unwrap())
            });
            prop_assert!(ra.iter().chain(&rb).all(|c| *c == 0));
            let text = std::fs::read_to_string(backlog.join("stories/S-1-a.md")).unwrap();
            let estimate = format!("\nestimate: {}\n", estimates.last().unwrap());
            let last = labels.last().unwrap().clone();
            let label = format!("\nlabels: {}\n", backlog::edit::line::list_token(&[last]));
            prop_assert!(text.contains(&estimate), "{}", text);
            prop_assert!(text.contains(&label), "{}", text);
            prop_assert!(text.ends_with("---\nbody\n"));
        }
    }
}
