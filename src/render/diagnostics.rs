//! Renderers of `check` findings: human (rustc style), JSON, GitHub
//! workflow commands, SARIF and GitLab code quality. All print the same
//! findings; none recomputes them.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use super::text::{counted, width_of};
use crate::model::diagnostic::{Finding, Location, Rule, Severity};
use crate::source::portable_path;

/// Counts shown in the summary line and the JSON `summary`.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub stories: usize,
    pub sprints: usize,
}

impl Summary {
    pub fn new(findings: &[Finding], stories: usize, sprints: usize) -> Summary {
        Summary {
            errors: findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            warnings: findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count(),
            stories,
            sprints,
        }
    }
}

/// The findings alone, compiler-style, without the summary line.
pub fn human_findings(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for f in findings {
        writeln!(
            w,
            "{}[{}]: {}",
            f.severity.as_str(),
            f.rule.code(),
            f.message
        )?;
        let loc = &f.location;
        let gutter = loc.line.to_string().len();
        let pad = " ".repeat(gutter);
        writeln!(
            w,
            "{pad}--> {}:{}:{}",
            loc.path.display(),
            loc.line,
            loc.column
        )?;
        if let Some(line) = &f.source_line {
            // Tabs become four spaces and the caret is placed by display
            // width, so it stays under its token after tabs and wide text.
            let expand = |s: &str| s.replace('\t', "    ");
            let before: String = line.chars().take(loc.column.saturating_sub(1)).collect();
            let token: String = line
                .chars()
                .skip(loc.column.saturating_sub(1))
                .take(f.width.max(1))
                .collect();
            writeln!(w, "{pad} |")?;
            writeln!(w, "{} | {}", loc.line, expand(line))?;
            // A column past the quoted part of a long line keeps its place.
            let past = loc
                .column
                .saturating_sub(1)
                .saturating_sub(line.chars().count());
            let caret_pad = " ".repeat(width_of(&expand(&before)) + past);
            let carets = "^".repeat(width_of(&expand(&token)).max(1));
            writeln!(w, "{pad} | {caret_pad}{carets}")?;
        }
        if let Some((other, label)) = &f.related {
            writeln!(
                w,
                "{pad} = note: {label}: {}:{}:{}",
                other.path.display(),
                other.line,
                other.column
            )?;
        }
        if let Some(help) = &f.help {
            writeln!(w, "{pad} = help: {help}")?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// Compiler-style output: `error[B023]: …`, `--> file:line:col`, the line, a
/// caret under the offending token, and `= help: …`.
pub fn human(w: &mut dyn Write, findings: &[Finding], summary: &Summary) -> io::Result<()> {
    human_findings(w, findings)?;
    let checked = format!(
        "{} and {}",
        counted(summary.stories, "story", "stories"),
        counted(summary.sprints, "sprint", "sprints")
    );
    if summary.errors == 0 && summary.warnings == 0 {
        writeln!(w, "ok: {checked} checked, no problems")
    } else {
        writeln!(
            w,
            "{}: {}, {} in {checked}",
            if summary.errors > 0 { "failed" } else { "ok" },
            counted(summary.errors, "error", "errors"),
            counted(summary.warnings, "warning", "warnings"),
        )
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    help: Option<&'a str>,
    /// A second place that explains this one, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: String,
    line: usize,
    column: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: &'a Summary,
}

/// One JSON document: `{"version":1,"findings":[…],"summary":{…}}` (schema in docs/checks.md).
pub fn json(w: &mut dyn Write, findings: &[Finding], summary: &Summary) -> io::Result<()> {
    let report = JsonReport {
        version: 1,
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                code: f.rule.code(),
                rule: f.rule.name(),
                severity: f.severity.as_str(),
                message: &f.message,
                file: portable_path(&f.location.path).into_owned(),
                line: f.location.line,
                column: f.location.column,
                help: f.help.as_deref(),
                related: f.related.as_ref().map(|(l, label)| JsonRelated {
                    file: portable_path(&l.path).into_owned(),
                    line: l.line,
                    column: l.column,
                    label,
                }),
            })
            .collect(),
        summary,
    };
    super::json::value(w, &report)
}

/// GitHub Actions workflow commands, one per finding, so each shows as an
/// annotation on the pull request's changed line.
pub fn github(w: &mut dyn Write, findings: &[Finding], summary: &Summary) -> io::Result<()> {
    for f in findings {
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            w,
            "::{} file={},line={},col={},title={}::{}",
            f.severity.as_str(),
            escape_property(&portable_path(&f.location.path)),
            f.location.line,
            f.location.column,
            escape_property(&format!("{} {}", f.rule.code(), f.rule.name())),
            escape_data(&message)
        )?;
    }
    writeln!(
        w,
        "backlog check: {}, {}",
        counted(summary.errors, "error", "errors"),
        counted(summary.warnings, "warning", "warnings")
    )
}

/// SARIF 2.1.0 (GitHub code scanning and other SARIF readers): one run,
/// every rule in the tool's table, one result per finding. Paths are relative
/// to where `check` ran (the repository root, in CI) under `%SRCROOT%`;
/// columns count Unicode code points, as ours do.
pub fn sarif(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let rules: Vec<serde_json::Value> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code(),
                "name": r.name(),
                "shortDescription": { "text": r.summary() },
                "help": { "text": format!("{} {}: see docs/checks.md", r.code(), r.name()) },
                "defaultConfiguration": { "level": level(r.default_severity()) }
            })
        })
        .collect();
    let location = |l: &Location| {
        let mut artifact = json!({ "uri": uri(&l.path) });
        if l.path.is_relative() {
            artifact["uriBaseId"] = json!("%SRCROOT%");
        }
        json!({
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": { "startLine": l.line.max(1), "startColumn": l.column.max(1) }
            }
        })
    };
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": f.rule.code(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule),
                "level": level(f.severity),
                "message": { "text": text },
                "locations": [location(&f.location)],
            });
            if let Some((l, label)) = &f.related {
                let mut related = location(l);
                related["id"] = json!(1);
                related["message"] = json!({ "text": label });
                result["relatedLocations"] = json!([related]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "backlog",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    super::json::value(w, &log)
}

/// GitLab's code-quality report (`artifacts:reports:codequality`): a JSON
/// array of issues. Errors are `major`, warnings `minor`. The fingerprint
/// is a hash of rule, file and message (not the line, so a finding keeps
/// it when lines above it move), numbered when the same one repeats.
pub fn gitlab(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let path = portable_path(&f.location.path);
            let key = format!("{}\0{path}\0{}", f.rule.code(), f.message);
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            let fingerprint = format!("{:016x}{:04x}", fnv1a(key.as_bytes()), *n - 1);
            json!({
                "description": f.message,
                "check_name": format!("{} {}", f.rule.code(), f.rule.name()),
                "fingerprint": fingerprint,
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": { "path": path, "lines": { "begin": f.location.line.max(1) } }
            })
        })
        .collect();
    super::json::value(w, &issues)
}

/// 64-bit FNV-1a: a stable hash (the same bytes give the same value on
/// every machine and version), which is all a fingerprint needs.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A path as a URI reference: `/` between segments, everything but
/// unreserved characters percent-encoded; absolute paths as `file://` URIs.
fn uri(p: &std::path::Path) -> String {
    let path = portable_path(p);
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if p.is_absolute() {
        format!(
            "file://{}{out}",
            if out.starts_with('/') { "" } else { "/" }
        )
    } else {
        out
    }
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diagnostic::{Location, Rule};

    fn shown(line: &str, column: usize, width: usize) -> String {
        let mut f = Finding::new(
            Rule::InvalidValue,
            Location {
                path: "s.md".into(),
                line: 3,
                column,
            },
            "bad",
        );
        f.source_line = Some(line.to_string());
        f.width = width;
        let mut out = Vec::new();
        human_findings(&mut out, &[f]).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn carets_stay_under_their_token_after_tabs_and_wide_text() {
        let out = shown("title:\t請求書 x", 8, 3);
        assert!(
            out.contains("3 | title:    請求書 x\n  |           ^^^^^^\n"),
            "{out}"
        );
        let out = shown("labels: [請求, bad]", 14, 3);
        assert!(
            out.contains("3 | labels: [請求, bad]\n  |                ^^^\n"),
            "{out}"
        );
    }
}
