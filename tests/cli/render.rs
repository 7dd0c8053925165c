//! `backlog render`: the static site and the Markdown document, rendered
//! from the example in a git repository with a scripted history (so story
//! timelines, the burndown and the velocity chart have data), then checked
//! as files, by an HTML checker (tidy) and in a real browser (headless
//! Chromium). The tools' tests print that they skipped, and why, when the
//! tool is not installed; `.ci/run` installs both.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::Fixture;

/// Commits everything on `day` (17:00 UTC) with `message`.
fn commit_on(f: &Fixture, day: &str, message: &str) {
    let date = format!("{day}T17:00:00Z");
    let ok = Command::new("git")
        .args([
            "-c",
            "user.name=Sam Dev",
            "-c",
            "user.email=sam@example.com",
        ])
        .args(["commit", "-qam", message])
        .current_dir(f.root())
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(ok.success());
}

const TODAY: &str = "2026-11-27";

/// The example with a few days of sprint 2026-S23 in its history: a rank
/// move, stories started and finished.
fn example_with_history() -> Fixture {
    let f = Fixture::example();
    let run = |args: &[&str]| {
        let r = f.run(args);
        assert_eq!(r.code, 0, "{r}");
    };
    run(&["rank", "S-22", "--before", "S-17"]);
    commit_on(&f, "2026-11-23", "Import comes first: customers asked");
    run(&["status", "S-16", "done", "--force"]);
    commit_on(&f, "2026-11-24", "Payment fees are live");
    run(&["status", "S-24", "in-progress"]);
    commit_on(&f, "2026-11-25", "Start on long PDF tables");
    run(&["status", "S-24", "done", "--force"]);
    commit_on(&f, "2026-11-26", "Long PDF tables span pages");
    f
}

fn render(f: &Fixture, out: &Path) {
    let r = f.run_env(
        &[("BACKLOG_TODAY", TODAY)],
        &["render", "--out", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{r}");
}

fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn render_writes_a_page_for_every_story_sprint_and_stakeholder() {
    let f = example_with_history();
    let out = f.root().join("site");
    render(&f, &out);
    let names = files(&out);
    // Every story, sprint and stakeholder of the example has its page.
    let list = f.run(&["list", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let mut stakeholders = BTreeSet::new();
    for row in rows.as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        assert!(names.contains(&format!("story-{id}.html")), "{id}");
        for s in row["stakeholders"].as_array().unwrap() {
            stakeholders.insert(s.as_str().unwrap().to_string());
        }
    }
    assert_eq!(rows.as_array().unwrap().len(), 32);
    for s in &stakeholders {
        assert!(names.contains(&format!("stakeholder-{s}.html")), "{s}");
    }
    let pages: Vec<&String> = names.iter().filter(|n| !n.starts_with("story-")).collect();
    insta::assert_debug_snapshot!(pages, @r#"
    [
        "board-2026-S21.html",
        "board-2026-S22.html",
        "board-2026-S23.html",
        "board.html",
        "decisions.html",
        "drift.html",
        "index.html",
        "sprint-2026-S21.html",
        "sprint-2026-S22.html",
        "sprint-2026-S23.html",
        "sprints.html",
        "stakeholder-bookkeepers.html",
        "stakeholder-customers.html",
        "stakeholder-finance.html",
        "stakeholder-sales.html",
        "stakeholder-security.html",
        "stakeholder-support.html",
        "stakeholders.html",
        "style.css",
    ]
    "#);

    // What each kind of page shows.
    let index = read(&out, "index.html");
    for text in [
        "Ledgerly",
        "Goals",
        "G-1",
        "Current sprint",
        "2026-S23",
        "Ranked backlog",
    ] {
        assert!(index.contains(text), "index lacks {text}");
    }
    let story = read(&out, "story-S-22.html");
    assert!(story.contains("position 21 -&gt; 18"), "{story}");
    assert!(
        story.contains("Import comes first: customers asked"),
        "{story}"
    );
    assert!(story.contains("Sam Dev"), "{story}");
    let s10 = read(&out, "story-S-10.html");
    assert!(
        s10.contains("rejected") && s10.contains("at the review of"),
        "{s10}"
    );
    let sprint = read(&out, "sprint-2026-S23.html");
    assert!(sprint.contains("class=\"chart burndown\""), "{sprint}");
    assert!(
        sprint.contains("<td>2026-11-26</td><td class=\"num\">18</td>"),
        "{sprint}"
    );
    let board = read(&out, "board.html");
    assert!(board.contains("of WIP limit 4"), "{board}");
    let sprints = read(&out, "sprints.html");
    assert!(sprints.contains("class=\"chart velocity\"") && sprints.contains("Forecast"));
    let decisions = read(&out, "decisions.html");
    let newest = decisions.find("2026-S22").unwrap();
    let oldest = decisions.find("2026-S21").unwrap();
    assert!(newest < oldest, "newest first");
    let drift = read(&out, "drift.html");
    assert!(
        drift.contains("Drift = place by rank − place by score"),
        "{drift}"
    );
}

#[test]
fn every_page_forbids_script_and_loads_nothing_from_elsewhere() {
    let f = example_with_history();
    f.write(
        "stories/S-40-evil.md",
        "---\nid: S-40\ntitle: \"<script>alert('title')</script> Evil\"\nstatus: idea\nrank: 99\n\
         stakeholders: [\"<b onmouseover=alert(1)>x</b>\"]\n---\n\
         As a <script>alert('body')</script> attacker, I want <img src=x onerror=alert(2)>, so that \
         [it runs](javascript:alert(3)).\n\n\
         <a href=\"data:text/html,<script>alert(4)</script>\">data</a> <div onclick=\"alert(5)\" style=\"x\">div</div>\n\n\
         <iframe src=\"https://example.com\"></iframe> ![img](https://example.com/x.png)\n",
    );
    f.git(&["add", "-A"]);
    f.git(&["commit", "-qm", "An evil story"]);
    let out = f.root().join("site");
    render(&f, &out);
    for name in files(&out) {
        let page = read(&out, &name);
        if name.ends_with(".css") {
            assert!(!page.contains("url("), "{name} loads something");
            continue;
        }
        assert!(
            page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self';"),
            "{name} has no CSP"
        );
        let lower = page.to_lowercase();
        // Every tag of the page (escaped text reads `&lt;`, not `<`).
        for tag in lower.split('<').skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                !["script", "iframe", "img", "object", "embed", "link"].contains(&name.as_str())
                    || (name == "link" && tag.contains("href=\"style.css\"")),
                "{name}: <{tag}>"
            );
            let handler = tag.split_whitespace().any(|a| {
                a.starts_with("on") && a.contains('=')
                    || a.starts_with("style=")
                    || a.starts_with("src=")
            });
            assert!(!handler, "{name}: <{tag}>");
            for bad in ["javascript:", "data:"] {
                assert!(!tag.contains(bad), "{name}: <{tag}>");
            }
            // Nothing loads from elsewhere: an absolute URL only in a link
            // (followed on a click) or as SVG's namespace name (never fetched).
            let urls = tag.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assert!(
                name == "a" || !(urls.contains("http://") || urls.contains("https://")),
                "{name}: <{tag}>"
            );
        }
        assert!(!lower.contains("<script"), "{name} has a script");
    }
    let evil = read(&out, "story-S-40.html");
    assert!(
        evil.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Evil"),
        "{evil}"
    );
    assert!(evil.contains("it runs"), "the link text stays: {evil}");
}

#[test]
fn the_same_revision_renders_the_same_bytes() {
    let f = example_with_history();
    let (a, b) = (f.root().join("a"), f.root().join("b"));
    render(&f, &a);
    std::fs::remove_dir_all(f.root().join(".git/backlog")).unwrap();
    render(&f, &b);
    assert_eq!(files(&a), files(&b));
    for name in files(&a) {
        assert!(read(&a, &name) == read(&b, &name), "{name} differs");
    }
    // A past revision is shown as of its commit's day, whenever it is rendered.
    let r = f.run(&["--at", "HEAD~1", "render", "--out", "c"]);
    assert_eq!(r.code, 0, "{r}");
    let index = read(&f.root().join("c"), "index.html");
    assert!(index.contains("as of 2026-11-25"), "{index}");
}

#[test]
fn render_refuses_a_folder_inside_the_backlog() {
    let f = Fixture::example();
    let r = f.run(&["render", "--out", ".backlog/site"]);
    insta::assert_snapshot!(r, @r"
    ------- stderr -------
    error: refusing to write into `.backlog/site`: it is inside the backlog folder
      help: render into a folder outside .backlog/, e.g. `--out site`
    [exit status: 2]
    ");
    assert!(!f.backlog().join("site").exists());
    let r = f.run(&["render"]);
    assert_eq!(r.code, 2, "{r}");
    assert!(r.stderr.contains("needs a folder"), "{r}");
}

#[test]
fn a_link_in_the_output_folder_is_replaced_not_followed() {
    let f = Fixture::example();
    let out = f.root().join("site");
    std::fs::create_dir_all(&out).unwrap();
    let outside = f.root().join("outside.txt");
    std::fs::write(&outside, "keep").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, out.join("index.html")).unwrap();
    render(&f, &out);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    assert!(read(&out, "index.html").contains("<!DOCTYPE html>"));
}

#[test]
fn render_md_writes_one_document() {
    let f = example_with_history();
    let r = f.run_env(&[("BACKLOG_TODAY", TODAY)], &["render", "--format", "md"]);
    assert_eq!(r.code, 0, "{r}");
    let md = r.stdout;
    for text in [
        "# Ledgerly",
        "## Ranked backlog",
        "## Board",
        "# Sprints",
        "## Velocity",
        "## Forecast",
        "# Decisions and feedback",
        "# Stakeholders",
        "# Priority drift",
        "## S-22 Import customers from a CSV file",
        "| 2026-11-23 | rank 22 -> 16 (position 21 -> 18) | Sam Dev |",
    ] {
        assert!(md.contains(text), "BACKLOG.md lacks {text}:\n{md}");
    }
    let r = f.run_env(
        &[("BACKLOG_TODAY", TODAY)],
        &["render", "--format", "md", "--out", "."],
    );
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(
        std::fs::read_to_string(f.root().join("BACKLOG.md")).unwrap(),
        md
    );
}

/// A tool from the distribution, or `None` after saying the test skipped.
fn tool(name: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!("skipped {test}: `{name}` is not installed (apt-get install {name})");
    }
    found
}

#[test]
fn every_page_is_valid_html() {
    let Some(tidy) = tool("tidy", "every_page_is_valid_html") else {
        return;
    };
    let f = example_with_history();
    let out = f.root().join("site");
    render(&f, &out);
    for name in files(&out).iter().filter(|n| n.ends_with(".html")) {
        let o = Command::new(&tidy)
            .args(["-errors", "-quiet", "--show-warnings", "yes"])
            .arg(out.join(name))
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&o.stderr);
        // tidy 5.6 predates ARIA 1.1's aria-current; nothing else may be reported.
        let problems: Vec<&str> = report
            .lines()
            .filter(|l| !l.contains("proprietary attribute \"aria-current\""))
            .collect();
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    }
}

/// Loads a page in headless Chromium: the DOM after loading, and the
/// browser's log (console messages, blocked loads).
fn chromium(browser: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
        ])
        .args(["--enable-logging=stderr", "--v=0", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// What in Chromium's log says a page misbehaved: a console message (a
/// blocked load, a policy violation, a script error).
fn complaints(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains(":CONSOLE")
                || l.contains("Uncaught")
                || l.contains("Refused")
                || l.contains("Content Security Policy")
                || l.contains("net::ERR_")
        })
        .collect()
}

#[test]
fn the_site_renders_in_a_browser() {
    let Some(browser) = tool("chromium", "the_site_renders_in_a_browser") else {
        return;
    };
    let f = example_with_history();
    let out = f
        .root()
        .join("site")
        .canonicalize()
        .unwrap_or(f.root().join("site"));
    render(&f, &out);
    let expect: &[(&str, &[&str])] = &[
        (
            "index.html",
            &[
                "Ledgerly",
                "Customers can pay invoices online",
                "Export invoices as PDF",
            ],
        ),
        (
            "board.html",
            &["in-progress", "WIP limit 4", "Board: all stories"],
        ),
        ("board-2026-S23.html", &["Board of sprint", "DATEV export"]),
        (
            "story-S-22.html",
            &[
                "Import comes first: customers asked",
                "position 21 -&gt; 18",
            ],
        ),
        ("sprint-2026-S23.html", &["Burndown", "Remaining points"]),
        ("sprints.html", &["Velocity", "Forecast"]),
        ("decisions.html", &["First real payment received"]),
        ("stakeholder-finance.html", &["Stakeholder: finance"]),
        ("drift.html", &["Priority drift"]),
    ];
    for (page, texts) in expect {
        let (dom, log) = chromium(&browser, &out.join(page), &["--dump-dom"]);
        assert!(dom.contains("</html>"), "{page} did not load:\n{log}");
        for t in *texts {
            assert!(dom.contains(t), "{page} lacks {t}");
        }
        // Charts keep a size in the rendered DOM.
        for svg in dom.split("<svg").skip(1) {
            let tag = &svg[..svg.find('>').unwrap()];
            assert!(
                tag.contains("viewBox=\"0 0 ") && !tag.contains("width=\"0\""),
                "{page}: {tag}"
            );
        }
        let bad = complaints(&log);
        assert!(bad.is_empty(), "{page}:\n{}", bad.join("\n"));
    }
    // Screenshots: always taken (a page that fails to paint fails here);
    // kept under BACKLOG_SCREENSHOTS (e.g. docs/img) when it is set.
    let shots = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("BACKLOG_SCREENSHOTS")
        .map(|d| Path::new(env!("CARGO_MANIFEST_DIR")).join(d));
    for (page, png) in [
        ("index.html", "site-index.png"),
        ("sprint-2026-S23.html", "site-sprint.png"),
    ] {
        let file = shots.path().join(png);
        let shot = format!("--screenshot={}", file.display());
        let (_, log) = chromium(
            &browser,
            &out.join(page),
            &[&shot, "--window-size=1200,900"],
        );
        let bytes =
            std::fs::read(&file).unwrap_or_else(|e| panic!("{page}: no screenshot ({e}):\n{log}"));
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{page}: empty screenshot"
        );
        if let Some(dir) = &keep {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(png), &bytes).unwrap();
        }
    }
}
