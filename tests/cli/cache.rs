//! The story cache (`.git/backlog/stories-*.cache`): one-story commands
//! answer exactly as if every file were read, and a stale, garbled or
//! forged cache is never used to write.

use std::path::PathBuf;
use std::time::Duration;

use crate::common::{snapshot_of_files as files, Fixture};

/// Lets the files just written settle: the cache trusts an entry only for
/// a file that last changed well before the cache was written.
fn settle() {
    std::thread::sleep(Duration::from_millis(120));
}

/// The one story cache in the fixture's git directory.
fn cache_file(f: &Fixture) -> PathBuf {
    let dir = f.root().join(".git/backlog");
    let mut caches: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    caches.retain(|p| p.to_string_lossy().ends_with(".cache"));
    assert!(caches.len() <= 1, "one cache per backlog: {caches:?}");
    caches.pop().unwrap_or_else(|| dir.join("none.cache"))
}

/// The example backlog with its story cache written, and settled since.
fn example_with_cache() -> Fixture {
    let f = Fixture::example();
    settle();
    f.run(&["show", "S-1"]);
    settle();
    f
}

/// [`example_with_cache`] with 100 more stories: enough that one stale
/// entry leaves the cache worth keeping (one in 64), so that `set` and
/// `status` of a field no rule across stories reads load their story alone.
fn example_with_fillers() -> Fixture {
    let f = Fixture::example();
    for i in 100..200 {
        let text = format!("---\nid: S-{i}\ntitle: Filler {i}\nstatus: idea\nrank: {i}\n---\n");
        f.write(&format!("stories/S-{i}-filler.md"), text);
    }
    settle();
    f.run(&["show", "S-1"]);
    settle();
    f
}

/// Runs `commands` in one fixture through a warm cache and in another with
/// no cache at all, and returns the first's transcript after checking that
/// both said and wrote exactly the same.
fn same_with_and_without_cache(prepare: impl Fn(&Fixture), commands: &[&[&str]]) -> String {
    let cached = Fixture::example();
    let uncached = Fixture::example();
    prepare(&cached);
    prepare(&uncached);
    settle();
    cached.run(&["show", "S-1"]);
    assert!(cache_file(&cached).exists(), "show writes the story cache");
    settle();
    let mut with = String::new();
    let mut without = String::new();
    for args in commands {
        with.push_str(&format!(
            "$ backlog {}\n{}",
            args.join(" "),
            cached.run(args)
        ));
        let _ = std::fs::remove_dir_all(uncached.root().join(".git/backlog"));
        without.push_str(&format!(
            "$ backlog {}\n{}",
            args.join(" "),
            uncached.run(args)
        ));
    }
    assert_eq!(with, without, "the cache changed what a command said");
    assert_eq!(
        files(&cached.backlog()),
        files(&uncached.backlog()),
        "the cache changed what a command wrote"
    );
    with
}

#[test]
fn one_story_commands_answer_the_same_through_the_cache() {
    let transcript = same_with_and_without_cache(
        |_| {},
        &[
            &["show", "S-10"],
            &["set", "S-20", "sprint=2026-S23"],
            &["status", "S-23", "ready"],
            &["status", "S-17", "in-progress"],
            &["set", "S-27", "estimate=8"],
            &["set", "S-2", "kind=story"],
            &["rank", "S-22", "--top"],
            &["rank", "S-28", "--before", "S-17"],
            &["new", "Pay by bank transfer", "--after", "S-24"],
            &["show", "S-33"],
            &["show", "S-99"],
            &["list"],
        ],
    );
    // What the refusals said, read from files never summarised.
    assert!(transcript
        .contains("error[B060]: sprint `2026-S23` plans 37 points, over its capacity of 30"));
    assert!(transcript.contains("error[B031]"), "{transcript}");
}

/// The cache lists a folder of plain files itself: other files, a `.md`
/// with no name, a story in a subfolder and a link are listed as the
/// backlog's own listing lists them.
#[test]
fn stories_beside_other_files_subfolders_and_links_are_found_through_the_cache() {
    let flat = same_with_and_without_cache(
        |f| {
            f.write("stories/notes.txt", "not a story\n");
            f.write(
                "stories/.md",
                "---\nid: S-70\ntitle: Hidden\nstatus: idea\n---\n",
            );
        },
        &[
            &["show", "S-70"],
            &["show", "S-10"],
            &["rank", "S-10", "--top"],
        ],
    );
    assert!(flat.contains("error: no story has the id `S-70`"), "{flat}");
    let nested = same_with_and_without_cache(
        |f| {
            f.write(
                "stories/more/S-71-nested.md",
                "---\nid: S-71\ntitle: Nested\nstatus: idea\nrank: 1\n---\n",
            );
            #[cfg(unix)]
            std::os::unix::fs::symlink(
                "S-10-nothing-here.md",
                f.backlog().join("stories/S-72-link.md"),
            )
            .unwrap();
        },
        &[
            &["show", "S-71"],
            &["show", "S-10"],
            &["new", "Pay by card"],
        ],
    );
    assert!(nested.contains("S-71  Nested"), "{nested}");
}

/// A story changed behind the cache's back, with its size kept and its
/// modification time put back, is read again (its change time moved): the
/// move to the top goes before its new rank, not the cached one.
#[test]
fn a_stale_story_cache_is_never_used_to_write() {
    let edit_behind_the_cache = |f: &Fixture| {
        let rel = f.story("S-31");
        let path = f.backlog().join(&rel);
        let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        f.edit(&rel, "rank: 21.5", "rank: 0.25");
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
    };
    let cached = Fixture::example();
    settle();
    cached.run(&["show", "S-1"]);
    settle();
    edit_behind_the_cache(&cached);
    let run = cached.run(&["rank", "S-10", "--top"]);
    insta::assert_snapshot!(run, @"S-10: position 14 -> 1, rank 10 -> 0");
    let uncached = Fixture::example();
    edit_behind_the_cache(&uncached);
    assert_eq!(
        run.to_string(),
        uncached.run(&["rank", "S-10", "--top"]).to_string()
    );
    assert_eq!(files(&cached.backlog()), files(&uncached.backlog()));
}

/// A cache edited by hand fails its checksum and is rebuilt; one forged
/// with a checksum that holds is caught where it matters: the stories a
/// move rests on are read, differ from their summaries, and the whole
/// backlog is read again.
#[test]
fn a_tampered_story_cache_is_never_used_to_write() {
    for forge_checksum in [false, true] {
        let f = Fixture::example();
        settle();
        f.run(&["show", "S-1"]);
        let file = cache_file(&f);
        let text = std::fs::read_to_string(&file).unwrap();
        let (header, body) = text.split_once('\n').unwrap();
        // S-31 claims rank 0.25 in the cache; its file says 21.5.
        let body = body.replacen("\tready\t21.5\t", "\tready\t0.25\t", 1);
        assert_ne!(
            body,
            text.split_once('\n').unwrap().1,
            "the forgery applies"
        );
        let header = if forge_checksum {
            checksummed(header, &body)
        } else {
            header.to_string()
        };
        std::fs::write(&file, format!("{header}\n{body}")).unwrap();
        let before = f.read(&f.story("S-31"));
        let run = f.run(&["rank", "S-10", "--top"]);
        insta::allow_duplicates! {
            insta::assert_snapshot!(run, @"S-10: position 13 -> 6, rank 10 -> 4.7");
        }
        assert_eq!(f.read(&f.story("S-31")), before, "S-31 is untouched");
        let fresh = Fixture::example();
        fresh.run(&["rank", "S-10", "--top"]);
        assert_eq!(files(&f.backlog()), files(&fresh.backlog()));
    }
}

/// With a rule that compares every story's wording set to `error`, an edit
/// reads every story (a summary has no wording): the answers are the same.
#[test]
fn one_story_commands_read_everything_when_a_wording_rule_is_an_error() {
    same_with_and_without_cache(
        |f| {
            f.edit(
                "backlog.yaml",
                "rules:\n",
                "rules:\n  story-duplicate: error\n",
            )
        },
        &[
            &["show", "S-10"],
            &["set", "S-27", "estimate=8"],
            &["status", "S-23", "ready"],
            &["rank", "S-22", "--top"],
            &["new", "Pay by bank transfer"],
        ],
    );
}

/// Sets field `column` (tab-separated, 0 = path) of story `id`'s line in the
/// cache to `value`, and makes the checksum hold again: a forgery the
/// checksum cannot see.
fn forge(f: &Fixture, id: &str, column: usize, value: &str) {
    let prefix = format!("{}\t", f.story(id));
    forge_body(f, |body| {
        body.lines()
            .map(|line| {
                let mut fields: Vec<&str> = line.split('\t').collect();
                if line.starts_with(&prefix) {
                    fields[column] = value;
                }
                fields.join("\t") + "\n"
            })
            .collect()
    });
}

/// Rewrites the lines of the fixture's story cache with `change`, and makes
/// the checksum in its header hold again.
fn forge_body(f: &Fixture, change: impl FnOnce(&str) -> String) {
    let file = cache_file(f);
    let text = std::fs::read_to_string(&file).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let body = change(body);
    std::fs::write(&file, format!("{}\n{body}", checksummed(header, &body))).unwrap();
}

/// `header` with its checksum made to hold for itself and `body`, as the
/// cache computes it: a forgery the checksum cannot see.
fn checksummed(header: &str, body: &str) -> String {
    let (fields, _) = header.rsplit_once(' ').unwrap();
    let mut sum = crc32fast::Hasher::new();
    sum.update(fields.as_bytes());
    sum.update(b"\n");
    sum.update(body.as_bytes());
    format!("{fields} {}", sum.finalize())
}

/// A summary that hides a dependency (forged with a valid checksum) does
/// not let an edit close a cycle: the stories an edit's dependencies lead
/// to are read before the guard runs.
#[test]
fn a_forged_summary_does_not_let_an_edit_close_a_cycle() {
    let f = Fixture::example();
    settle();
    f.run(&["show", "S-1"]);
    forge(&f, "S-25", 13, "");
    let before = files(&f.backlog());
    let run = f.run(&["set", "S-7", "depends_on=S-25"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.to_string().contains("error[B032]: dependency cycle"),
        "{run}"
    );
    assert_eq!(files(&f.backlog()), before, "nothing was written");
}

/// `new` is checked with the new story put among the summaries, not by
/// reading every file: a WIP limit on the status new stories start in,
/// made an error, refuses it through the cache exactly as without it, and
/// a story that fits is written the same.
#[test]
fn a_new_story_is_checked_among_the_summaries_as_among_the_files() {
    let transcript = same_with_and_without_cache(
        |f| {
            f.edit("backlog.yaml", "wip_limits:\n", "wip_limits:\n  idea: 3\n");
            f.edit("backlog.yaml", "rules:\n", "rules:\n  wip-limit: error\n");
        },
        &[
            &["new", "Pay by bank transfer"],
            &["new", "Pay by card", "--top"],
            &["new", "Pay by card", "--top", "--force"],
            &["list", "--status", "idea"],
        ],
    );
    insta::assert_snapshot!(transcript, @"
    $ backlog new Pay by bank transfer
    created .backlog/stories/S-33-pay-by-bank-transfer.md (S-33, position 33 of 33)
    $ backlog new Pay by card --top
    ------- stderr -------
    error: the change would break a rule, so nothing was written:

    error[B061]: 4 stories are `idea`, over the WIP limit of 3: S-21, S-29, S-33, S-34
      --> .backlog/backlog.yaml:30:9
       |
    30 |   idea: 3
       |         ^
       = help: finish work before starting more, or raise the limit if the team agreed to
      help: do what the finding says first, or pass --force to write it anyway
    [exit status: 2]
    $ backlog new Pay by card --top --force
    created .backlog/stories/S-34-pay-by-card.md (S-34, position 6 of 34)
    $ backlog list --status idea
     #  ID    RANK  STATUS  KIND   EST  SPRINT  SCORE  TITLE
     6  S-34   4.7  idea    story    -  -           -  Pay by card
    31  S-21    45  idea    story    -  -           -  Customer portal with all invoices
    33  S-29    60  idea    story    -  -           -  Dark mode
    34  S-33    70  idea    story    -  -           -  Pay by bank transfer
    ");
}

/// Errors the backlog already has do not stop an edit, with or without the
/// cache: only the errors an edit would add refuse it, and the refusal
/// names those alone.
#[test]
fn only_the_errors_an_edit_adds_refuse_it() {
    let transcript = same_with_and_without_cache(
        |f| f.edit(&f.story("S-23"), "status: draft", "status: ready"),
        &[
            &["set", "S-27", "estimate=8"],
            &["status", "S-20", "ready"],
            &["new", "Pay by bank transfer"],
        ],
    );
    insta::assert_snapshot!(transcript, @"
    $ backlog set S-27 estimate=8
    S-27: estimate = 8
    $ backlog status S-20 ready
    ------- stderr -------
    error: the change would break a rule, so nothing was written:

    error[B050]: `S-20` is `ready` but does not meet the Definition of Ready: no acceptance criteria (a list under an `## Acceptance criteria` heading)
     --> .backlog/stories/S-20-multi-currency-invoices.md:5:9
      |
    5 | status: ready
      |         ^^^^^
      = help: complete the story, or move it back to an earlier status
      help: do what the finding says first, or pass --force to write it anyway
    [exit status: 2]
    $ backlog new Pay by bank transfer
    created .backlog/stories/S-33-pay-by-bank-transfer.md (S-33, position 33 of 33)
    ");
}

/// `new` placed its story by a forged summary when the guard, reading the
/// stories a WIP limit consults, found the cache wrong and read every file:
/// the position it printed was the forged one's. It is planned again from
/// the files, and says and writes what it does without a cache.
#[test]
fn new_is_planned_again_when_the_guard_finds_the_cache_wrong() {
    let limited = || {
        let f = Fixture::example();
        f.edit("backlog.yaml", "wip_limits:\n", "wip_limits:\n  idea: 30\n");
        f.edit("backlog.yaml", "rules:\n", "rules:\n  wip-limit: error\n");
        f
    };
    let cached = limited();
    settle();
    cached.run(&["show", "S-1"]);
    forge(&cached, "S-21", 9, "1");
    let with = cached.run(&["new", "Pay by card", "--before", "S-10"]);
    let uncached = limited();
    let without = uncached.run(&["new", "Pay by card", "--before", "S-10"]);
    insta::assert_snapshot!(with, @"
    created .backlog/stories/S-33-pay-by-card.md (S-33, position 13 of 33)
    ");
    assert_eq!(with.to_string(), without.to_string());
    assert_eq!(files(&cached.backlog()), files(&uncached.backlog()));
}

/// In a backlog of 160 stories an edit leaves the cache as it was written
/// (the next runs read the one changed file again, and answer as without a
/// cache); two stale entries (one in 64), or a file gone, write it again.
#[test]
fn the_story_cache_is_written_again_only_when_it_pays() {
    let extra = |f: &Fixture| {
        for n in 100..228 {
            f.write(
                &format!("stories/S-{n}-extra.md"),
                format!("---\nid: S-{n}\ntitle: Extra {n}\nstatus: draft\nrank: {n}\n---\n"),
            );
        }
    };
    let f = Fixture::example();
    extra(&f);
    settle();
    f.run(&["show", "S-1"]);
    let cache = cache_file(&f);
    let written = std::fs::read(&cache).unwrap();
    settle();
    // Saved in place, as many editors do: the folder is unchanged (an
    // edit by `backlog` replaces the file, which changes the folder, and
    // a folder changed since writes the cache again once it has settled).
    let in_place = |f: &Fixture| {
        f.edit(
            "stories/S-100-extra.md",
            "rank: 100\n",
            "rank: 100\nestimate: 3\n",
        )
    };
    in_place(&f);
    settle();
    let cached = f.run(&["show", "S-100"]).to_string();
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        written,
        "one stale entry of 160 does not rewrite the cache"
    );
    let fresh = Fixture::example();
    extra(&fresh);
    in_place(&fresh);
    let _ = std::fs::remove_dir_all(fresh.root().join(".git/backlog"));
    assert_eq!(cached, fresh.run(&["show", "S-100"]).to_string());

    // A second file saved in place: two stale entries, the folder as it was.
    f.edit(
        "stories/S-101-extra.md",
        "rank: 101\n",
        "rank: 101\nestimate: 3\n",
    );
    settle();
    f.run(&["show", "S-1"]);
    let rewritten = std::fs::read(&cache).unwrap();
    assert_ne!(rewritten, written, "two stale entries of 160 rewrite it");

    std::fs::remove_file(f.backlog().join("stories/S-102-extra.md")).unwrap();
    f.run(&["show", "S-1"]);
    assert_ne!(
        std::fs::read(&cache).unwrap(),
        rewritten,
        "a file gone rewrites it"
    );
}

/// An id no file has is answered from the summaries: a typo in `show`
/// once read the whole backlog again and wrote the cache anew.
#[test]
fn an_unknown_id_is_answered_without_reading_the_backlog_again() {
    let f = example_with_fillers();
    let cache = cache_file(&f);
    let written = std::fs::read(&cache).unwrap();
    let run = f.run(&["show", "S-1999"]);
    insta::assert_snapshot!(run, @"
    ------- stderr -------
    error: no story has the id `S-1999`
      help: did you mean `S-199`?
    [exit status: 2]
    ");
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        written,
        "no full read wrote the cache again"
    );
    let _ = std::fs::remove_dir_all(f.root().join(".git/backlog"));
    assert_eq!(run.to_string(), f.run(&["show", "S-1999"]).to_string());
}

/// While the stories folder is unchanged, a read takes its listing from
/// the cache; a story added, removed or renamed since changes the folder,
/// and the folder is read again: the answers are those of a full read.
#[test]
fn stories_added_removed_or_renamed_since_the_cache_are_seen() {
    let f = example_with_cache();
    let header = |f: &Fixture| {
        let text = std::fs::read_to_string(cache_file(f)).unwrap();
        text.lines().next().unwrap().to_string()
    };
    // The folder's key is in the header: the listing can be trusted.
    assert_ne!(header(&f).split(' ').nth(3), Some("\\-"), "{}", header(&f));
    type Step<'a> = (&'a str, &'a dyn Fn(&Fixture));
    let steps: [Step; 3] = [
        ("added", &|f| {
            f.write(
                "stories/S-40-first-of-all.md",
                "---\nid: S-40\ntitle: First of all\nstatus: draft\nrank: 0.5\n---\n",
            )
        }),
        ("renamed", &|f| {
            std::fs::rename(
                f.backlog().join("stories/S-40-first-of-all.md"),
                f.backlog().join("stories/S-40-renamed.md"),
            )
            .unwrap()
        }),
        ("removed", &|f| {
            std::fs::remove_file(f.backlog().join(f.story("S-31"))).unwrap()
        }),
    ];
    let fresh = Fixture::example();
    for (what, step) in steps {
        step(&f);
        step(&fresh);
        let _ = std::fs::remove_dir_all(fresh.root().join(".git/backlog"));
        for args in [["show", "S-10"], ["show", "S-40"]] {
            assert_eq!(
                f.run(&args).to_string(),
                fresh.run(&args).to_string(),
                "{what}: {args:?}"
            );
        }
        settle();
    }
}

/// A cache forged (with a checksum that holds) to leave a story out of its
/// listing is never used to write: an edit lists the folder itself.
#[test]
fn a_forged_listing_is_never_used_to_write() {
    let f = Fixture::example();
    settle();
    f.run(&["show", "S-1"]);
    // S-6 is ranked just above where S-10 goes; the forged listing does
    // not have it.
    let hidden = format!("{}\t", f.story("S-6"));
    forge_body(&f, |body| {
        body.lines()
            .filter(|l| !l.starts_with(&hidden))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let run = f.run(&["rank", "S-10", "--top"]);
    insta::assert_snapshot!(run, @"S-10: position 13 -> 6, rank 10 -> 4.7");
    let fresh = Fixture::example();
    fresh.run(&["rank", "S-10", "--top"]);
    assert_eq!(files(&f.backlog()), files(&fresh.backlog()));
}

/// `set` and `status` of a field no rule across stories reads look at no
/// other story, but at every story file's id: a second file that says the
/// id refuses the edit, as when every file is read, whether it is new
/// under another name or an older story saved in place to say it after
/// the cache was written.
#[test]
fn an_id_said_by_a_second_file_refuses_an_edit_of_one_story() {
    let f = example_with_fillers();
    let own = f.story("S-18");
    let other = f.story("S-19");
    let unchanged = files(&f.backlog());
    f.edit(&other, "id: S-19", "id: S-18");
    insta::assert_snapshot!(f.session(&[
        &["set", "S-18", "labels=payments"],
        &["status", "S-18", "idea"],
    ]), @"
    $ backlog set S-18 labels=payments
    ------- stderr -------
    error: `S-18` is the id of 2 files: .backlog/stories/S-18-apple-pay-and-google-pay.md, .backlog/stories/S-19-partial-payments-of-an-invoice.md; nothing was done
      help: give all but one of them an unused id (`backlog check` reports this as B026)
    [exit status: 2]
    $ backlog status S-18 idea
    ------- stderr -------
    error: `S-18` is the id of 2 files: .backlog/stories/S-18-apple-pay-and-google-pay.md, .backlog/stories/S-19-partial-payments-of-an-invoice.md; nothing was done
      help: give all but one of them an unused id (`backlog check` reports this as B026)
    [exit status: 2]
    ");
    f.edit(&other, "id: S-18", "id: S-19");
    f.write("stories/copy.md", f.read(&own));
    insta::assert_snapshot!(f.session(&[&["set", "S-18", "labels=payments"]]), @"
    $ backlog set S-18 labels=payments
    ------- stderr -------
    error: `S-18` is the id of 2 files: .backlog/stories/S-18-apple-pay-and-google-pay.md, .backlog/stories/copy.md; nothing was done
      help: give all but one of them an unused id (`backlog check` reports this as B026)
    [exit status: 2]
    ");
    std::fs::remove_file(f.backlog().join("stories/copy.md")).unwrap();
    assert_eq!(files(&f.backlog()), unchanged, "nothing was written");
    insta::assert_snapshot!(f.run(&["set", "S-18", "labels=payments"]), @"S-18: labels = [payments]");
}

/// An edit of one story alone leaves the story cache as it was; once as
/// many entries went stale as make it worth writing again (a checkout, or
/// many such edits), the edit loads the backlog through the cache, which
/// writes it again, so the next edits find it fresh.
#[test]
fn one_story_edits_leave_the_cache_until_it_is_worth_writing_again() {
    let f = example_with_fillers();
    let cache = || std::fs::read(cache_file(&f)).unwrap();
    let touch = |id: &str| {
        let file = f.story(id);
        f.write(&file, f.read(&file));
    };
    let before = cache();
    touch("S-150");
    settle();
    insta::assert_snapshot!(f.run(&["set", "S-18", "labels=payments"]), @"S-18: labels = [payments]");
    assert_eq!(
        cache(),
        before,
        "one stale entry: the story was edited alone"
    );
    touch("S-151");
    touch("S-152");
    settle();
    insta::assert_snapshot!(f.run(&["set", "S-18", "labels=cards"]), @"S-18: labels = [cards]");
    assert_ne!(
        cache(),
        before,
        "three stale entries: the cache is written again"
    );
}

/// A FIFO in the cache's place held every one-story command, and its
/// write lock, until something wrote to it; a link to `/dev/zero` was read
/// until memory ran out. Neither is read: the cache is rebuilt beside them.
#[cfg(unix)]
#[test]
fn a_cache_that_is_a_fifo_or_a_link_to_a_device_is_never_read() {
    let f = example_with_cache();
    let cache = cache_file(&f);
    let before = files(&f.backlog());
    std::fs::remove_file(&cache).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&cache).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    insta::assert_snapshot!(f.run(&["set", "S-15", "estimate=5"]), @"S-15: estimate = 5");
    assert_ne!(files(&f.backlog()), before, "the edit was written");
    std::fs::remove_file(&cache).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &cache).unwrap();
    let shown = f.run(&["show", "S-15"]).to_string();
    assert!(shown.contains("estimate:     5"), "{shown}");
}

/// The header is checksummed with the lines: a cache whose header was
/// edited (here to claim today's folder, which has a story more than its
/// lines) is rebuilt, not used to say the story is not there.
#[cfg(unix)]
#[test]
fn a_cache_whose_header_was_edited_is_rebuilt() {
    use std::os::unix::fs::MetadataExt;
    let f = Fixture::example();
    settle();
    f.run(&["show", "S-1"]);
    let file = cache_file(&f);
    let old = std::fs::read_to_string(&file).unwrap();
    let story = f.read(&f.story("S-31")).replace("id: S-31", "id: S-40");
    f.write("stories/S-40-hidden.md", story);
    settle();
    let folder = std::fs::metadata(f.backlog().join("stories")).unwrap();
    let ns = |secs: i64, nanos: i64| secs * 1_000_000_000 + nanos;
    let key = format!(
        "{},{},{},{}",
        folder.size(),
        ns(folder.mtime(), folder.mtime_nsec()),
        ns(folder.ctime(), folder.ctime_nsec()),
        folder.ino()
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let (header, body) = old.split_once('\n').unwrap();
    let mut parts: Vec<String> = header.split(' ').map(String::from).collect();
    parts[2] = now.to_string();
    parts[3] = key;
    std::fs::write(&file, format!("{}\n{body}", parts.join(" "))).unwrap();
    let run = f.run(&["show", "S-40"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.starts_with("S-40 "), "{run}");
}
