//! Property tests: no input makes loading or checking panic.

use proptest::prelude::*;

use crate::source::Memory;

fn load_and_check(story: &[u8], config: &[u8]) {
    let mut m = Memory::new(".backlog");
    m.insert("backlog.yaml", config.to_vec());
    m.insert("stories/S-1-a.md", story.to_vec());
    m.insert("sprints/2026-S1.md", story.to_vec());
    let snapshot = crate::load::load(&m).expect("memory sources do not fail");
    let findings = crate::check::check(&snapshot);
    for f in findings {
        assert!(f.location.line >= 1 && f.location.column >= 1);
    }
    let _ = crate::list::rows(&snapshot, &crate::list::Filter::default());
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
}
