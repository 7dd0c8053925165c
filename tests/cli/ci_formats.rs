//! `check --format sarif` and `--format gitlab`: what GitHub code scanning
//! and GitLab's code-quality widget read, checked against the published
//! schemas (copies under tests/schemas/, their sources in its README).

use crate::common::{schema_errors, Fixture};

/// The example with an error that names a second place (a duplicate id) and
/// a warning.
fn broken() -> Fixture {
    let f = Fixture::example();
    f.write("stories/S-22-copy.md", f.read(&f.story("S-22")));
    f.edit(&f.story("S-29"), "kind: story", "kind: feature");
    f
}

/// Validates `instance` (with `each`: every item of the array) against
/// the published schema `file` under tests/schemas.
fn validate(file: &str, instance: &str, each: bool) -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(file);
    let schema = std::fs::read_to_string(path).unwrap();
    let value: serde_json::Value = serde_json::from_str(instance).unwrap();
    let instances: Vec<(String, serde_json::Value)> = match (each, value) {
        (true, serde_json::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (format!("entry-{i}"), v))
            .collect(),
        (_, v) => vec![("report".to_string(), v)],
    };
    schema_errors(&schema, &instances)
}

#[test]
fn sarif_has_every_rule_and_one_result_per_finding() {
    let f = broken();
    let r = f.run(&["check", "--format", "sarif"]);
    assert_eq!((r.code, r.stderr.as_str()), (1, ""));
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "backlog");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    // ruleIndex points into the rules array at the rule with that id.
    for result in run["results"].as_array().unwrap() {
        let i = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], result["ruleId"]);
    }
    let results = serde_json::to_string_pretty(&run["results"]).unwrap();
    insta::assert_snapshot!(results, @r#"
    [
      {
        "level": "error",
        "locations": [
          {
            "physicalLocation": {
              "artifactLocation": {
                "uri": ".backlog/stories/S-22-import-customers-from-a-csv-file.md",
                "uriBaseId": "%SRCROOT%"
              },
              "region": {
                "startColumn": 5,
                "startLine": 2
              }
            }
          }
        ],
        "message": {
          "text": "id `S-22` is also used by .backlog/stories/S-22-copy.md\nhelp: give one of the two stories an unused id, and rename its file to match"
        },
        "relatedLocations": [
          {
            "id": 1,
            "message": {
              "text": "the first story with this id"
            },
            "physicalLocation": {
              "artifactLocation": {
                "uri": ".backlog/stories/S-22-copy.md",
                "uriBaseId": "%SRCROOT%"
              },
              "region": {
                "startColumn": 5,
                "startLine": 2
              }
            }
          }
        ],
        "ruleId": "B026",
        "ruleIndex": 17
      },
      {
        "level": "warning",
        "locations": [
          {
            "physicalLocation": {
              "artifactLocation": {
                "uri": ".backlog/stories/S-22-import-customers-from-a-csv-file.md",
                "uriBaseId": "%SRCROOT%"
              },
              "region": {
                "startColumn": 1,
                "startLine": 14
              }
            }
          }
        ],
        "message": {
          "text": "`S-22` has the same statement as `S-22` in .backlog/stories/S-22-copy.md\nhelp: merge the two stories, or say what sets them apart"
        },
        "relatedLocations": [
          {
            "id": 1,
            "message": {
              "text": "the story with the same statement"
            },
            "physicalLocation": {
              "artifactLocation": {
                "uri": ".backlog/stories/S-22-copy.md",
                "uriBaseId": "%SRCROOT%"
              },
              "region": {
                "startColumn": 1,
                "startLine": 14
              }
            }
          }
        ],
        "ruleId": "B094",
        "ruleIndex": 38
      },
      {
        "level": "error",
        "locations": [
          {
            "physicalLocation": {
              "artifactLocation": {
                "uri": ".backlog/stories/S-29-dark-mode.md",
                "uriBaseId": "%SRCROOT%"
              },
              "region": {
                "startColumn": 7,
                "startLine": 4
              }
            }
          }
        ],
        "message": {
          "text": "unknown kind `feature`\nhelp: use one of: story, bug, spike, epic, chore"
        },
        "ruleId": "B027",
        "ruleIndex": 18
      }
    ]
    "#);
    if let Some(errors) = validate("sarif-schema-2.1.0.json", &r.stdout, false) {
        assert_eq!(errors, "");
    }
}

#[test]
fn gitlab_code_quality_report() {
    let f = broken();
    let r = f.run(&["check", "--format", "gitlab"]);
    insta::assert_snapshot!(r, @r#"
    [
      {
        "check_name": "B026 duplicate-id",
        "description": "id `S-22` is also used by .backlog/stories/S-22-copy.md",
        "fingerprint": "f8874f27c2fba67e0000",
        "location": {
          "lines": {
            "begin": 2
          },
          "path": ".backlog/stories/S-22-import-customers-from-a-csv-file.md"
        },
        "severity": "major"
      },
      {
        "check_name": "B094 story-duplicate",
        "description": "`S-22` has the same statement as `S-22` in .backlog/stories/S-22-copy.md",
        "fingerprint": "5421e2cb756e5b700000",
        "location": {
          "lines": {
            "begin": 14
          },
          "path": ".backlog/stories/S-22-import-customers-from-a-csv-file.md"
        },
        "severity": "minor"
      },
      {
        "check_name": "B027 invalid-value",
        "description": "unknown kind `feature`",
        "fingerprint": "e54de77c4a3cc1ab0000",
        "location": {
          "lines": {
            "begin": 4
          },
          "path": ".backlog/stories/S-29-dark-mode.md"
        },
        "severity": "major"
      }
    ]
    [exit status: 1]
    "#);
    if let Some(errors) = validate("gitlab-codeclimate.json", &r.stdout, true) {
        assert_eq!(errors, "");
    }
    // What GitLab's documentation asks beyond its schema.
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    for issue in report.as_array().unwrap() {
        assert!(issue["check_name"].is_string(), "{issue}");
        assert!(issue["location"]["path"].is_string(), "{issue}");
        assert!(issue["location"]["lines"]["begin"].is_u64(), "{issue}");
        let severity = issue["severity"].as_str().unwrap();
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&severity),
            "{issue}"
        );
    }
    // A clean backlog is an empty report, and still valid.
    let clean = Fixture::example().run(&["check", "--format", "gitlab"]);
    assert_eq!((clean.code, clean.stdout.as_str()), (0, "[]\n"));
}

/// A finding keeps its fingerprint when lines above it move (GitLab
/// compares the base's report with the branch's by fingerprint).
#[test]
fn gitlab_fingerprints_survive_moved_lines() {
    let f = broken();
    let before: serde_json::Value =
        serde_json::from_str(&f.run(&["check", "--format", "gitlab"]).stdout).unwrap();
    f.edit(
        &f.story("S-29"),
        "kind: feature",
        "x-note: moved down\nkind: feature",
    );
    let after: serde_json::Value =
        serde_json::from_str(&f.run(&["check", "--format", "gitlab"]).stdout).unwrap();
    let prints = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].to_string())
            .collect()
    };
    assert_eq!(prints(&before), prints(&after));
    assert_ne!(before, after, "the line moved");
}
