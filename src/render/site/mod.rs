//! `render`: the static site as files in memory (name, bytes), written by
//! the command into the folder it is given. Every page is plain HTML with
//! one shared stylesheet and inline SVG charts: no script at all, a
//! Content-Security-Policy that forbids any, relative links only, and the
//! same bytes for the same data (stable order, no clock).
//!
//! Text goes through the one escaper (`render::html::escape`); Markdown
//! bodies through the one sanitiser (`render::html::markdown`).

pub mod markdown;
pub mod svg;

use std::collections::HashMap;
use std::fmt::Write;

use rayon::prelude::*;

use super::changes::describe;
use super::html::{escape, markdown as md_html};
use crate::model::date::Date;
use crate::model::fmt_num;
use crate::model::score::format_score;
use crate::views::forecast::Likely;
use crate::views::list::Row;
use crate::views::show::Link;
use crate::views::site::{Board, Site, SprintPage, StakeholderPage, StoryPage, DRIFT_ROWS};
use crate::views::sprint_report::ScopeChange;

/// One file of the site: a plain file name (no folder) and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The policy every page carries: nothing but the site's own stylesheet
/// may load; no script, no frame, no form, no base URL.
pub const CSP: &str = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'";

const STYLE: &str = include_str!("style.css");

/// A file name safe on every file system and in a URL: letters, digits,
/// `-` and `_` kept, anything else `_`, at most 80 characters.
fn slug(s: &str) -> String {
    let out: String = s
        .chars()
        .take(80)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        "_".into()
    } else {
        out
    }
}

/// The file name of each story, sprint and stakeholder page: the slug of
/// the id, made unique (ignoring case, for case-insensitive file systems)
/// by a numbered suffix in the order given.
struct Names {
    story: HashMap<String, String>,
    sprint: HashMap<String, String>,
    board: HashMap<String, String>,
    stakeholder: HashMap<String, String>,
}

impl Names {
    fn new(site: &Site) -> Names {
        let mut taken: std::collections::HashSet<String> = [
            "index",
            "board",
            "sprints",
            "decisions",
            "stakeholders",
            "drift",
            "style",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut assign = |prefix: &str, ids: Vec<String>| -> HashMap<String, String> {
            let mut map = HashMap::new();
            for id in ids {
                if map.contains_key(&id) {
                    continue;
                }
                let base = format!("{prefix}-{}", slug(&id));
                let mut name = base.clone();
                let mut n = 2;
                while !taken.insert(name.to_lowercase()) {
                    name = format!("{base}-{n}");
                    n += 1;
                }
                map.insert(id, format!("{name}.html"));
            }
            map
        };
        let sprint_ids: Vec<String> = site.sprints.iter().map(|p| p.sprint.id.clone()).collect();
        Names {
            story: assign(
                "story",
                site.rows.iter().map(|r| r.id.to_string()).collect(),
            ),
            sprint: assign("sprint", sprint_ids.clone()),
            board: assign("board", sprint_ids),
            stakeholder: assign(
                "stakeholder",
                site.stakeholders
                    .iter()
                    .map(|s| s.stakeholder.name.clone())
                    .collect(),
            ),
        }
    }

    /// A link to story `id` (its id as the text), or the id alone when it has no page.
    fn story(&self, id: &str) -> String {
        match self.story.get(id) {
            Some(f) => format!("<a href=\"{f}\">{}</a>", escape(id)),
            None => escape(id),
        }
    }

    fn sprint(&self, id: &str) -> String {
        match self.sprint.get(id) {
            Some(f) => format!("<a href=\"{f}\">{}</a>", escape(id)),
            None => escape(id),
        }
    }

    fn stakeholder(&self, name: &str) -> String {
        match self.stakeholder.get(name) {
            Some(f) => format!("<a href=\"{f}\">{}</a>", escape(name)),
            None => escape(name),
        }
    }
}

/// Writing to a String cannot fail.
macro_rules! w {
    ($($t:tt)*) => {{ let _ = write!($($t)*); }};
}

fn page(site: &Site, title: &str, here: &str, main: &str) -> SiteFile {
    let mut out = String::with_capacity(main.len() + 1500);
    let product = if site.goals.product.is_empty() {
        "Backlog".to_string()
    } else {
        site.goals.product.clone()
    };
    w!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · {}</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n",
        escape(title),
        escape(&product)
    );
    out.push_str("<header><nav aria-label=\"Site\"><ul>");
    for (file, name) in [
        ("index.html", "Backlog"),
        ("board.html", "Board"),
        ("sprints.html", "Sprints"),
        ("decisions.html", "Decisions"),
        ("stakeholders.html", "Stakeholders"),
        ("drift.html", "Priority drift"),
    ] {
        let current = if file == here {
            " aria-current=\"page\""
        } else {
            ""
        };
        w!(out, "<li><a href=\"{file}\"{current}>{name}</a></li>");
    }
    out.push_str("</ul></nav></header>\n<main>\n");
    out.push_str(main);
    out.push_str("</main>\n<footer><p>");
    w!(out, "{} as of {}", escape(&product), site.today);
    match &site.origin {
        Some(o) => w!(
            out,
            "; history up to commit <code>{}</code> of {}",
            escape(&o.commit),
            escape(&o.date)
        ),
        None => out.push_str("; no git history was read"),
    }
    out.push_str(". Rendered by <code>backlog render</code>.</p></footer>\n</body>\n</html>\n");
    SiteFile {
        name: here.to_string(),
        bytes: out.into_bytes(),
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(fmt_num).unwrap_or_else(|| "–".into())
}

fn likely(l: &Likely) -> String {
    match &l.by {
        Some(by) => format!("{} (+{})", escape(by), l.sprints),
        None => format!("+{}", l.sprints),
    }
}

fn list_or_dash(items: Vec<String>) -> String {
    if items.is_empty() {
        "–".into()
    } else {
        items.join(", ")
    }
}

/// The whole site: every page and the stylesheet, in a fixed order.
pub fn render(site: &Site) -> Vec<SiteFile> {
    let names = Names::new(site);
    let mut files = vec![
        SiteFile {
            name: "style.css".into(),
            bytes: STYLE.as_bytes().to_vec(),
        },
        index(site, &names),
        sprints(site, &names),
        decisions(site, &names),
        stakeholders(site, &names),
        drift(site, &names),
    ];
    for (i, b) in site.boards.iter().enumerate() {
        files.push(board(site, &names, b, i));
    }
    // Story pages are many and independent (each body goes through the
    // sanitiser): rendered in parallel, collected in rank order.
    files.par_extend(site.stories.par_iter().map(|p| story(site, &names, p)));
    for p in &site.sprints {
        files.push(sprint(site, &names, p));
    }
    for p in &site.stakeholders {
        files.push(stakeholder(site, &names, p));
    }
    files
}

fn backlog_table(out: &mut String, names: &Names, rows: &[&Row]) {
    out.push_str(
        "<table class=\"backlog\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">ID</th>\
         <th scope=\"col\">Title</th><th scope=\"col\">Status</th><th scope=\"col\">Est.</th>\
         <th scope=\"col\">Score</th><th scope=\"col\">Sprint</th><th scope=\"col\">Labels</th>\
         <th scope=\"col\">Stakeholders</th></tr></thead><tbody>\n",
    );
    for r in rows {
        w!(
            out,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td><span class=\"status\">{}</span></td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            r.position,
            names.story(r.id),
            escape(r.title),
            escape(r.status),
            opt_num(r.estimate),
            r.score.map(format_score).unwrap_or_else(|| "–".into()),
            r.sprint.map(|s| names.sprint(s)).unwrap_or_else(|| "–".into()),
            list_or_dash(r.labels.iter().map(|l| escape(l)).collect()),
            list_or_dash(r.stakeholders.iter().map(|s| names.stakeholder(s)).collect()),
        );
    }
    out.push_str("</tbody></table>\n");
}

fn index(site: &Site, names: &Names) -> SiteFile {
    let mut m = String::new();
    let g = &site.goals;
    w!(
        m,
        "<h1>{}</h1>\n",
        escape(if g.product.is_empty() {
            "Backlog"
        } else {
            &g.product
        })
    );
    if let Some(v) = &g.vision {
        w!(
            m,
            "<blockquote class=\"vision\"><p>{}</p></blockquote>\n",
            escape(v)
        );
    }
    if let Some(dod) = &g.definition_of_done {
        w!(
            m,
            "<p><strong>Definition of Done:</strong> {}</p>\n",
            escape(dod)
        );
    }
    if !g.goals.is_empty() {
        m.push_str("<h2>Goals</h2>\n<table class=\"goals\"><thead><tr><th scope=\"col\">Goal</th>\
                    <th scope=\"col\">Status</th><th scope=\"col\">Progress</th><th scope=\"col\">Done</th></tr></thead><tbody>\n");
        for goal in &g.goals {
            let (done, total, unit) = if goal.points > 0.0 {
                (goal.points_done, goal.points, "points")
            } else {
                (goal.stories_done as f64, goal.stories as f64, "stories")
            };
            let text = format!("{} of {} {unit}", fmt_num(done), fmt_num(total));
            w!(
                m,
                "<tr><td><strong>{}</strong> {}</td><td>{}</td><td>{}</td><td>{}; {} of {} stories</td></tr>\n",
                escape(&goal.id),
                escape(&goal.title),
                escape(&goal.status),
                svg::progress(done, total, &format!("{}: {text}", goal.id)),
                escape(&text),
                goal.stories_done,
                goal.stories
            );
        }
        m.push_str("</tbody></table>\n");
    }
    m.push_str("<h2>Current sprint</h2>\n");
    match site.current_sprint.map(|i| &site.sprints[i]) {
        Some(p) => {
            let r = &p.report;
            w!(
                m,
                "<p>{}{}: {} to {}. {} stories, {} points done, {} remaining{}. <a href=\"{}\">Its board</a>.</p>\n",
                names.sprint(&r.id),
                r.goal.as_deref().map(|g| format!(" — {}", escape(g))).unwrap_or_default(),
                escape(r.start.as_deref().unwrap_or("?")),
                escape(r.end.as_deref().unwrap_or("?")),
                r.scope.len(),
                fmt_num(r.done_points),
                fmt_num(r.remaining_points),
                r.committed_points
                    .map(|c| format!(" (committed {})", fmt_num(c)))
                    .unwrap_or_default(),
                names.board.get(&r.id).map(String::as_str).unwrap_or("board.html"),
            );
        }
        None => m.push_str("<p>No sprint is running or planned.</p>\n"),
    }
    w!(
        m,
        "<h2>Ranked backlog</h2>\n<p>{} stories, highest first.</p>\n",
        site.rows.len()
    );
    let rows: Vec<&Row> = site.rows.iter().collect();
    backlog_table(&mut m, names, &rows);
    page(site, "Backlog", "index.html", &m)
}

fn board(site: &Site, names: &Names, b: &Board, i: usize) -> SiteFile {
    let file = match &b.sprint {
        Some(s) => names
            .board
            .get(s)
            .cloned()
            .unwrap_or_else(|| format!("board-{i}.html")),
        None => "board.html".into(),
    };
    let mut m = String::new();
    match &b.sprint {
        Some(s) => w!(m, "<h1>Board of sprint {}</h1>\n", names.sprint(s)),
        None => m.push_str("<h1>Board: all stories</h1>\n"),
    }
    m.push_str("<nav aria-label=\"Sprint\" class=\"filters\"><ul>");
    let here = |f: &str| {
        if f == file {
            " aria-current=\"page\""
        } else {
            ""
        }
    };
    w!(
        m,
        "<li><a href=\"board.html\"{}>All stories</a></li>",
        here("board.html")
    );
    for p in &site.sprints {
        if let Some(f) = names.board.get(&p.sprint.id) {
            w!(
                m,
                "<li><a href=\"{f}\"{}>{}</a></li>",
                here(f),
                escape(&p.sprint.id)
            );
        }
    }
    m.push_str("</ul></nav>\n<div class=\"board\">\n");
    for col in &b.columns {
        let over = col
            .wip_limit
            .is_some_and(|l| col.stories.len() > l as usize);
        w!(
            m,
            "<section class=\"column{}\"><h2>{} <span class=\"count\">{}{}</span></h2>\n",
            if over { " over" } else { "" },
            escape(&col.status),
            col.stories.len(),
            match col.wip_limit {
                Some(l) => format!(
                    " of WIP limit {l}{}",
                    if over { " — over the limit" } else { "" }
                ),
                None => String::new(),
            }
        );
        if col.stories.is_empty() {
            m.push_str("<p class=\"empty\">none</p></section>\n");
            continue;
        }
        m.push_str("<ol>");
        for &k in &col.stories {
            let r = &site.rows[k];
            w!(
                m,
                "<li class=\"card\"><span class=\"pos\">#{}</span> {} {}{}</li>",
                r.position,
                names.story(r.id),
                escape(r.title),
                r.estimate
                    .map(|e| format!(" <span class=\"points\">{} pt</span>", fmt_num(e)))
                    .unwrap_or_default()
            );
        }
        m.push_str("</ol></section>\n");
    }
    m.push_str("</div>\n");
    let title = match &b.sprint {
        Some(s) => format!("Board of {s}"),
        None => "Board".into(),
    };
    let mut f = page(site, &title, &file, &m);
    f.name = file;
    f
}

fn links(m: &mut String, names: &Names, title: &str, v: &[Link]) {
    if v.is_empty() {
        return;
    }
    w!(m, "<h2>{title}</h2>\n<ul>");
    for l in v {
        w!(
            m,
            "<li>{} {} <span class=\"status\">{}</span></li>",
            names.story(&l.id),
            escape(&l.title),
            escape(&l.status)
        );
    }
    m.push_str("</ul>\n");
}

fn story(site: &Site, names: &Names, p: &StoryPage) -> SiteFile {
    let v = &p.view;
    let r = &v.row;
    let file = names.story.get(r.id).cloned().unwrap_or_default();
    let mut m = String::new();
    w!(
        m,
        "<h1><span class=\"id\">{}</span> {}</h1>\n",
        escape(r.id),
        escape(r.title)
    );
    if let Some(s) = &v.statement {
        w!(m, "<p class=\"statement\">{}</p>\n", escape(s));
    }
    m.push_str("<dl class=\"fields\">");
    let mut field = |name: &str, value: String| {
        w!(m, "<dt>{name}</dt><dd>{value}</dd>");
    };
    field("Kind", escape(r.kind));
    field("Status", escape(r.status));
    field(
        "Rank",
        format!(
            "{} (position {} of {})",
            escape(r.rank.as_deref().unwrap_or("none")),
            r.position,
            v.of
        ),
    );
    field("Estimate", opt_num(r.estimate));
    if let Some(model) = v.scoring_model {
        field(
            "Score",
            match r.score {
                Some(s) => format!("{} ({model})", format_score(s)),
                None => format!("unknown: missing {}", escape(&v.score_missing.join(", "))),
            },
        );
    }
    if let Some(e) = &r.epic {
        field("Epic", names.story(e));
    }
    if let Some(g) = &r.goal {
        field("Goal", escape(g));
    }
    if let Some(s) = &r.sprint {
        field("Sprint", names.sprint(s));
    }
    if !r.labels.is_empty() {
        field(
            "Labels",
            r.labels
                .iter()
                .map(|l| escape(l))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if !r.stakeholders.is_empty() {
        field(
            "Stakeholders",
            r.stakeholders
                .iter()
                .map(|s| names.stakeholder(s))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    m.push_str("</dl>\n");
    if !v.acceptance_criteria.is_empty() {
        m.push_str("<h2>Acceptance criteria</h2>\n<ul class=\"criteria\">");
        for c in &v.acceptance_criteria {
            let mark = match c.checked {
                Some(true) => "<span class=\"check\" title=\"done\">☑</span> ",
                Some(false) => "<span class=\"check\" title=\"open\">☐</span> ",
                None => "",
            };
            w!(m, "<li>{mark}{}</li>", escape(&c.text));
        }
        m.push_str("</ul>\n");
    }
    links(&mut m, names, "Depends on", &p.dependencies);
    links(&mut m, names, "Depended on by", &p.dependents);
    links(&mut m, names, "Stories of this epic", &v.children);
    m.push_str("<h2>Timeline</h2>\n");
    if p.timeline.is_empty() {
        m.push_str(if site.has_history {
            "<p>No change of this story is in the history.</p>\n"
        } else {
            "<p>No git history was read.</p>\n"
        });
    } else {
        m.push_str("<table class=\"timeline\"><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Change</th>\
                    <th scope=\"col\">Author</th><th scope=\"col\">Commit</th><th scope=\"col\">Message</th></tr></thead><tbody>\n");
        for e in &p.timeline {
            let what = match &e.sprint {
                Some(sp) => format!(
                    "{} at the review of {}",
                    escape(&describe(e.change)),
                    names.sprint(sp)
                ),
                None => escape(&describe(e.change)),
            };
            w!(
                m,
                "<tr><td>{}</td><td>{what}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                escape(&e.date),
                escape(e.author),
                escape(&e.commit),
                escape(e.summary)
            );
        }
        m.push_str("</tbody></table>\n");
    }
    if !p.body.trim().is_empty() {
        w!(
            m,
            "<h2>The story as written</h2>\n<div class=\"body\">{}</div>\n",
            md_html(p.body)
        );
    }
    page(site, &format!("{} {}", r.id, r.title), &file, &m)
}

fn scope_changes(m: &mut String, names: &Names, title: &str, v: &[ScopeChange]) {
    if v.is_empty() {
        return;
    }
    w!(m, "<h3>{title}</h3>\n<ul>");
    for c in v {
        w!(
            m,
            "<li>{} {} ({} points)",
            names.story(&c.story.id),
            escape(&c.story.title),
            opt_num(c.story.points)
        );
        if let (Some(commit), Some(date)) = (&c.commit, &c.date) {
            w!(
                m,
                " — commit <code>{}</code> on {} by {}",
                escape(commit),
                escape(date),
                escape(c.author.as_deref().unwrap_or("?"))
            );
        }
        m.push_str("</li>");
    }
    m.push_str("</ul>\n");
}

fn sprint(site: &Site, names: &Names, p: &SprintPage) -> SiteFile {
    let r = &p.report;
    let file = names.sprint.get(&r.id).cloned().unwrap_or_default();
    let mut m = String::new();
    w!(m, "<h1>Sprint {}</h1>\n", escape(&r.id));
    if let Some(g) = &r.goal {
        w!(m, "<p class=\"statement\">Goal: {}</p>\n", escape(g));
    }
    w!(
        m,
        "<p>{} to {}{}{}. <a href=\"{}\">Board of this sprint</a>.</p>\n",
        escape(r.start.as_deref().unwrap_or("?")),
        escape(r.end.as_deref().unwrap_or("?")),
        r.capacity
            .map(|c| format!(", capacity {} points", fmt_num(c)))
            .unwrap_or_default(),
        if r.running { ", running" } else { "" },
        names
            .board
            .get(&r.id)
            .map(String::as_str)
            .unwrap_or("board.html")
    );
    m.push_str("<h2>Burndown</h2>\n");
    let span = match (
        r.start.as_deref().and_then(Date::parse),
        r.end.as_deref().and_then(Date::parse),
    ) {
        (Some(a), Some(b)) => usize::try_from(b.days() - a.days() + 1).unwrap_or(0),
        _ => 0,
    };
    if r.burndown.is_empty() {
        m.push_str(if site.has_history {
            "<p>No burndown: the sprint has no dates, or has not started.</p>\n"
        } else {
            "<p>No burndown: it needs the git history.</p>\n"
        });
    } else {
        w!(m, "<figure>{}<figcaption>Remaining points at the end of each day; the thin line is the ideal.</figcaption></figure>\n", svg::burndown(&r.id, &r.burndown, span, r.end.as_deref().unwrap_or("")));
        m.push_str(
            "<details><summary>Burndown data</summary><table><thead><tr><th scope=\"col\">Day</th>\
                    <th scope=\"col\">Remaining points</th></tr></thead><tbody>",
        );
        for (day, v) in &r.burndown {
            w!(
                m,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(day),
                fmt_num(*v)
            );
        }
        m.push_str("</tbody></table></details>\n");
    }
    let scope_points: f64 = r.scope.iter().filter_map(|s| s.points).sum();
    m.push_str("<h2>Commitment and delivery</h2>\n<table class=\"numbers\"><tbody>");
    let ids = |v: &[String]| list_or_dash(v.iter().map(|i| names.story(i)).collect());
    for (k, v) in [
        (
            "Committed at the start",
            match r.committed_points {
                Some(c) => format!("{} points: {}", fmt_num(c), ids(&r.committed)),
                None => "not recorded".into(),
            },
        ),
        (
            "Scope now",
            format!(
                "{} points in {} stories",
                fmt_num(scope_points),
                r.scope.len()
            ),
        ),
        ("Done", format!("{} points", fmt_num(r.done_points))),
        (
            "Remaining",
            format!("{} points", fmt_num(r.remaining_points)),
        ),
        ("Accepted at the review", ids(&r.accepted)),
        ("Rejected at the review", ids(&r.rejected)),
        ("Carried over", ids(&r.carried_over)),
        (
            "Goal met",
            match r.goal_met {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "–".into(),
            },
        ),
    ] {
        w!(m, "<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>");
    }
    m.push_str("</tbody></table>\n");
    scope_changes(&mut m, names, "Added after the start", &r.added);
    scope_changes(&mut m, names, "Removed after the start", &r.removed);
    m.push_str(
        "<h2>Scope</h2>\n<table><thead><tr><th scope=\"col\">ID</th><th scope=\"col\">Title</th>\
                <th scope=\"col\">Points</th><th scope=\"col\">Status</th></tr></thead><tbody>\n",
    );
    for s in &r.scope {
        w!(
            m,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
            names.story(&s.id),
            escape(&s.title),
            opt_num(s.points),
            escape(&s.status)
        );
    }
    m.push_str("</tbody></table>\n");
    if let Some(review) = &p.sprint.review {
        m.push_str("<h2>Review</h2>\n");
        if let Some(d) = review.date {
            w!(m, "<p>Held on {d}.</p>\n");
        }
        if !review.decisions.is_empty() {
            m.push_str("<table><thead><tr><th scope=\"col\">Story</th><th scope=\"col\">Decision</th>\
                        <th scope=\"col\">Note</th><th scope=\"col\">Follow-up</th></tr></thead><tbody>\n");
            for d in &review.decisions {
                w!(
                    m,
                    "<tr><td>{}</td><td><span class=\"decision {kind}\">{kind}</span>{}</td><td>{}</td><td>{}</td></tr>\n",
                    names.story(d.story.as_str()),
                    d.amends.as_ref().map(|a| format!(" (amends: {})", escape(a))).unwrap_or_default(),
                    escape(d.note.as_deref().unwrap_or("")),
                    d.follow_up.as_ref().map(|f| names.story(f.as_str())).unwrap_or_default(),
                    kind = d.decision.as_str(),
                );
            }
            m.push_str("</tbody></table>\n");
        }
        if !review.feedback.is_empty() {
            m.push_str("<h3>Feedback</h3>\n<table><thead><tr><th scope=\"col\">From</th><th scope=\"col\">Note</th>\
                        <th scope=\"col\">Became</th></tr></thead><tbody>\n");
            for f in &review.feedback {
                w!(
                    m,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    names.stakeholder(&f.from),
                    escape(&f.note),
                    f.story
                        .as_ref()
                        .map(|s| names.story(s.as_str()))
                        .unwrap_or_default()
                );
            }
            m.push_str("</tbody></table>\n");
        }
    }
    if !p.notes.trim().is_empty() {
        w!(
            m,
            "<h2>Notes</h2>\n<div class=\"body\">{}</div>\n",
            md_html(p.notes)
        );
    }
    page(site, &format!("Sprint {}", r.id), &file, &m)
}

fn sprints(site: &Site, names: &Names) -> SiteFile {
    let mut m = String::from("<h1>Sprints</h1>\n<table><thead><tr><th scope=\"col\">Sprint</th><th scope=\"col\">Dates</th>\
        <th scope=\"col\">Goal</th><th scope=\"col\">Committed</th><th scope=\"col\">Done</th><th scope=\"col\">Remaining</th></tr></thead><tbody>\n");
    for p in &site.sprints {
        let r = &p.report;
        w!(
            m,
            "<tr><td>{}</td><td>{} – {}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            names.sprint(&r.id),
            escape(r.start.as_deref().unwrap_or("?")),
            escape(r.end.as_deref().unwrap_or("?")),
            escape(r.goal.as_deref().unwrap_or("")),
            opt_num(r.committed_points),
            fmt_num(r.done_points),
            fmt_num(r.remaining_points)
        );
    }
    m.push_str("</tbody></table>\n<h2>Velocity</h2>\n");
    if site.velocity.is_empty() {
        m.push_str("<p>No sprint has been reviewed yet.</p>\n");
    } else {
        w!(m, "<figure>{}<figcaption>Points committed at each sprint's start and accepted at its review.</figcaption></figure>\n", svg::velocity(&site.velocity));
        m.push_str("<table><thead><tr><th scope=\"col\">Sprint</th><th scope=\"col\">Committed</th>\
                    <th scope=\"col\">Accepted</th><th scope=\"col\">Stories accepted</th></tr></thead><tbody>");
        for v in &site.velocity {
            w!(
                m,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                names.sprint(&v.sprint),
                opt_num(v.committed),
                fmt_num(v.accepted),
                v.stories_accepted
            );
        }
        m.push_str("</tbody></table>\n");
    }
    m.push_str("<h2>Forecast</h2>\n");
    match &site.forecast {
        Err(why) => w!(m, "<p>No forecast: {}.</p>\n", escape(why)),
        Ok(f) => {
            w!(
                m,
                "<p>When each open story is likely done: the sprint by which half (50%) and 85 in 100 (85%) \
                 of 2,000 simulated futures had it done, drawing each sprint's velocity from {} ({}-day sprints).</p>\n",
                escape(&f.velocities.iter().map(|v| fmt_num(*v)).collect::<Vec<_>>().join(", ")),
                f.sprint_days
            );
            if !f.goals.is_empty() {
                m.push_str("<table><thead><tr><th scope=\"col\">Goal</th><th scope=\"col\">Open stories</th>\
                            <th scope=\"col\">50%</th><th scope=\"col\">85%</th></tr></thead><tbody>");
                for g in &f.goals {
                    w!(
                        m,
                        "<tr><td><strong>{}</strong> {}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                        escape(&g.id),
                        escape(&g.title),
                        g.open_stories,
                        g.p50.as_ref().map(likely).unwrap_or_else(|| "done".into()),
                        g.p85.as_ref().map(likely).unwrap_or_else(|| "done".into())
                    );
                }
                m.push_str("</tbody></table>\n");
            }
            m.push_str("<table class=\"forecast\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">ID</th><th scope=\"col\">Title</th>\
                        <th scope=\"col\">Points</th><th scope=\"col\">Cumulative</th><th scope=\"col\">50%</th><th scope=\"col\">85%</th></tr></thead><tbody>\n");
            for s in &f.stories {
                w!(
                    m,
                    "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
                    s.position,
                    names.story(&s.id),
                    escape(&s.title),
                    opt_num(s.points),
                    fmt_num(s.cumulative),
                    likely(&s.p50),
                    likely(&s.p85)
                );
            }
            m.push_str("</tbody></table>\n");
            if !f.unestimated.is_empty() {
                w!(
                    m,
                    "<p>Without an estimate (counted as 0 points): {}.</p>\n",
                    f.unestimated
                        .iter()
                        .map(|i| names.story(i))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
    }
    page(site, "Sprints", "sprints.html", &m)
}

fn decisions(site: &Site, names: &Names) -> SiteFile {
    let mut m = String::from("<h1>Decisions and feedback</h1>\n");
    if !site.has_history {
        m.push_str("<p>No git history was read; each sprint's page lists its review.</p>\n");
    } else if site.decisions.is_empty() {
        m.push_str("<p>No review decision or feedback has been recorded.</p>\n");
    } else {
        w!(m, "<p>{} review decisions and feedback items, newest first, each with the commit that recorded it.</p>\n", site.decisions.len());
        m.push_str("<table class=\"decisions\"><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Sprint</th>\
                    <th scope=\"col\">What</th><th scope=\"col\">Author</th><th scope=\"col\">Commit</th><th scope=\"col\">Message</th></tr></thead><tbody>\n");
        for e in &site.decisions {
            w!(
                m,
                "<tr><td>{}</td><td>{}</td><td>{}{}{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                escape(&e.date),
                names.sprint(&e.sprint),
                e.story.as_deref().map(|s| format!("{}: ", names.story(s))).unwrap_or_default(),
                escape(&describe(e.what)),
                if e.amended { " <em>(amended later)</em>" } else { "" },
                escape(e.author),
                escape(&e.commit),
                escape(e.summary)
            );
        }
        m.push_str("</tbody></table>\n");
    }
    page(site, "Decisions", "decisions.html", &m)
}

fn stakeholders(site: &Site, names: &Names) -> SiteFile {
    let mut m = String::from("<h1>Stakeholders</h1>\n");
    if site.stakeholders.is_empty() {
        m.push_str("<p>No story names a stakeholder.</p>\n");
    } else {
        m.push_str("<table><thead><tr><th scope=\"col\">Stakeholder</th><th scope=\"col\">Open stories</th>\
                    <th scope=\"col\">Decisions</th><th scope=\"col\">Feedback</th><th scope=\"col\">Conflicts</th></tr></thead><tbody>\n");
        for p in &site.stakeholders {
            let s = &p.stakeholder;
            w!(
                m,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                names.stakeholder(&s.name),
                s.open.len(),
                s.decisions.len(),
                s.feedback.len(),
                s.conflicts.len()
            );
        }
        m.push_str("</tbody></table>\n");
    }
    page(site, "Stakeholders", "stakeholders.html", &m)
}

fn stakeholder(site: &Site, names: &Names, p: &StakeholderPage) -> SiteFile {
    let s = &p.stakeholder;
    let file = names.stakeholder.get(&s.name).cloned().unwrap_or_default();
    let mut m = String::new();
    w!(
        m,
        "<h1>Stakeholder: {}</h1>\n<h2>Open stories</h2>\n",
        escape(&s.name)
    );
    if s.open.is_empty() {
        m.push_str("<p>None.</p>\n");
    } else {
        m.push_str("<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">ID</th><th scope=\"col\">Title</th>\
                    <th scope=\"col\">Status</th><th scope=\"col\">Likely done (50%)</th><th scope=\"col\">(85%)</th></tr></thead><tbody>\n");
        let f = site.forecast.as_ref().ok();
        for (x, fi) in s.open.iter().zip(&p.forecast) {
            let fc = fi.and_then(|i| f.and_then(|f| f.stories.get(i)));
            w!(
                m,
                "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                x.position.map(|p| p.to_string()).unwrap_or_else(|| "–".into()),
                names.story(&x.id),
                escape(&x.title),
                escape(&x.status),
                fc.map(|f| likely(&f.p50)).unwrap_or_else(|| "–".into()),
                fc.map(|f| likely(&f.p85)).unwrap_or_else(|| "–".into())
            );
        }
        m.push_str("</tbody></table>\n");
    }
    m.push_str("<h2>Decisions on their stories</h2>\n");
    if s.decisions.is_empty() {
        m.push_str("<p>None.</p>\n");
    } else {
        m.push_str("<ul>");
        for d in &s.decisions {
            w!(
                m,
                "<li>{}: {} {}{}</li>",
                names.sprint(&d.sprint),
                names.story(&d.story),
                escape(&d.decision),
                d.note
                    .as_ref()
                    .map(|n| format!(" — {}", escape(n)))
                    .unwrap_or_default()
            );
        }
        m.push_str("</ul>\n");
    }
    m.push_str("<h2>Their feedback</h2>\n");
    if s.feedback.is_empty() {
        m.push_str("<p>None.</p>\n");
    } else {
        m.push_str("<ul>");
        for f in &s.feedback {
            w!(
                m,
                "<li>{}: {}{}</li>",
                names.sprint(&f.sprint),
                escape(&f.note),
                match (&f.story, &f.story_status) {
                    (Some(x), Some(st)) => format!(" → {} ({})", names.story(x), escape(st)),
                    (Some(x), None) => format!(" → {}", names.story(x)),
                    _ => String::new(),
                }
            );
        }
        m.push_str("</ul>\n");
    }
    m.push_str("<h2>Conflicts</h2>\n");
    if s.conflicts.is_empty() {
        m.push_str("<p>None.</p>\n");
    } else {
        m.push_str("<ul>");
        for c in &s.conflicts {
            let side = |x: &crate::views::stakeholders::StoryRef| {
                format!(
                    "{} {} ({}; {})",
                    names.story(&x.id),
                    escape(&x.title),
                    escape(&x.status),
                    list_or_dash(
                        x.stakeholders
                            .iter()
                            .map(|n| names.stakeholder(n))
                            .collect()
                    )
                )
            };
            w!(
                m,
                "<li>{} against {} — {}</li>",
                side(&c.a),
                side(&c.b),
                if c.settled { "settled" } else { "open" }
            );
        }
        m.push_str("</ul>\n");
    }
    page(site, &format!("Stakeholder {}", s.name), &file, &m)
}

fn drift(site: &Site, names: &Names) -> SiteFile {
    let d = &site.drift;
    let mut m = String::from("<h1>Priority drift</h1>\n");
    match d.model {
        None => m.push_str("<p>No scoring model is configured (<code>scoring:</code> in backlog.yaml), so there is nothing to compare the ranking with.</p>\n"),
        Some(model) => {
            w!(
                m,
                "<p>The {} open stories with a {model} score are numbered twice: by rank (their order in the backlog) \
                 and by score (highest first; equal scores keep their rank order). <strong>Drift = place by rank − place by score</strong>: \
                 a positive drift is a story ranked lower than its score says, a negative one a story ranked higher. \
                 The {DRIFT_ROWS} largest drifts are listed, largest first. Drift is not an error: a rank may rest on what the score \
                 does not see (dependencies, a sprint goal, a promise); it says where to look.</p>\n",
                d.scored
            );
            if d.rows.is_empty() {
                m.push_str("<p>The ranking agrees with the score order.</p>\n");
            } else {
                m.push_str("<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">ID</th><th scope=\"col\">Title</th>\
                            <th scope=\"col\">Score</th><th scope=\"col\">By rank</th><th scope=\"col\">By score</th><th scope=\"col\">Drift</th></tr></thead><tbody>\n");
                for r in &d.rows {
                    w!(
                        m,
                        "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:+}</td></tr>\n",
                        r.position,
                        names.story(&r.id),
                        escape(&r.title),
                        format_score(r.score),
                        r.rank_place,
                        r.score_place,
                        r.drift
                    );
                }
                m.push_str("</tbody></table>\n");
            }
        }
    }
    page(site, "Priority drift", "drift.html", &m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_stay_in_the_folder() {
        assert_eq!(slug("../../etc/passwd"), "______etc_passwd");
        assert_eq!(slug(""), "_");
        assert_eq!(slug("2026-S14"), "2026-S14");
        assert_eq!(slug("a b/c"), "a_b_c");
    }
}
