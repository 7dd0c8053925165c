//! The site's charts, drawn as inline SVG: no script, no external resource.
//! Every chart has a `<title>`, `role="img"` and an `aria-label`, a fixed
//! `viewBox`, `width` and `height`, and the page puts its data in a table
//! beside it. Colours come from the stylesheet's classes.

use std::fmt::Write;

use super::super::html::escape;
use crate::model::fmt_num;
use crate::views::velocity::SprintVelocity;

/// A coordinate with one decimal: stable text for a stable page.
fn c(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

fn open(out: &mut String, class: &str, w: u32, h: u32, label: &str) {
    let label = escape(label);
    let _ = write!(
        out,
        "<svg class=\"{class}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\"><title>{label}</title>"
    );
}

/// A progress bar: `done` of `total`.
pub fn progress(done: f64, total: f64, label: &str) -> String {
    let mut out = String::new();
    let (w, h) = (160u32, 12u32);
    let share = if total > 0.0 {
        (done / total).clamp(0.0, 1.0)
    } else {
        0.0
    };
    open(&mut out, "progress", w, h, label);
    let _ = write!(
        out,
        "<rect class=\"track\" width=\"{w}\" height=\"{h}\" rx=\"3\"/>\
         <rect class=\"fill\" width=\"{}\" height=\"{h}\" rx=\"3\"/></svg>",
        c(share * f64::from(w))
    );
    out
}

const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// A y axis from 0 to `max` with a few labelled lines.
fn y_axis(out: &mut String, max: f64) {
    let plot = H - TOP - BOTTOM;
    for k in 0..=4 {
        let v = max * f64::from(k) / 4.0;
        let y = TOP + plot - plot * f64::from(k) / 4.0;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
             <text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            c(LEFT),
            c(y),
            c(W - RIGHT),
            c(y),
            c(LEFT - 6.0),
            c(y + 4.0),
            escape(&fmt_num((v * 10.0).round() / 10.0))
        );
    }
}

/// The burndown of a sprint: remaining points at the end of each day, and
/// the ideal line from the first day's points to zero on the sprint's last
/// day. The x axis spans the whole sprint, `span` days (a running sprint's
/// data stops at today), and names its `end`.
pub fn burndown(sprint: &str, days: &[(String, f64)], span: usize, end: &str) -> String {
    let mut out = String::new();
    let first = days.first().map_or(0.0, |d| d.1);
    let label = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!(
            "Burndown of sprint {sprint}: {} points remaining on {}, {} on {}",
            fmt_num(a.1),
            a.0,
            fmt_num(b.1),
            b.0
        ),
        _ => format!("Burndown of sprint {sprint}: no data"),
    };
    open(&mut out, "chart burndown", W as u32, H as u32, &label);
    let max = days.iter().map(|d| d.1).fold(first, f64::max).max(1.0);
    y_axis(&mut out, max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = span.max(days.len()).max(2) - 1;
    let x = |i: usize| LEFT + plot_w * i as f64 / n as f64;
    let y = |v: f64| TOP + plot_h - plot_h * (v / max);
    // The ideal line, over the sprint's days shown.
    let _ = write!(
        out,
        "<line class=\"ideal\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        c(x(0)),
        c(y(first)),
        c(x(n)),
        c(y(0.0))
    );
    let points: Vec<String> = days
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{},{}", c(x(i)), c(y(d.1))))
        .collect();
    let _ = write!(
        out,
        "<polyline class=\"actual\" points=\"{}\"/>",
        points.join(" ")
    );
    for (i, d) in days.iter().enumerate() {
        let _ = write!(
            out,
            "<circle class=\"dot\" cx=\"{}\" cy=\"{}\" r=\"3\"><title>{}: {}</title></circle>",
            c(x(i)),
            c(y(d.1)),
            escape(&d.0),
            escape(&fmt_num(d.1))
        );
    }
    // Dates under the axis: every few days, and the sprint's last day.
    let step = (n / 5).max(1);
    if n + 1 > days.len() {
        let _ = write!(
            out,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            c(x(n)),
            c(H - BOTTOM + 16.0),
            escape(end.get(5..).unwrap_or(end))
        );
    }
    for (i, d) in days.iter().enumerate() {
        if i % step == 0 || (i + 1 == days.len() && n + 1 == days.len()) {
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                c(x(i)),
                c(H - BOTTOM + 16.0),
                escape(d.0.get(5..).unwrap_or(&d.0))
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Velocity: per reviewed sprint, points committed at the start and
/// accepted at the review, as two bars side by side.
pub fn velocity(v: &[SprintVelocity]) -> String {
    let mut out = String::new();
    let label = format!(
        "Velocity of {} reviewed sprints: accepted points {}",
        v.len(),
        v.iter()
            .map(|s| format!("{} {}", s.sprint, fmt_num(s.accepted)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    open(&mut out, "chart velocity", W as u32, H as u32, &label);
    let max = v
        .iter()
        .map(|s| s.accepted.max(s.committed.unwrap_or(0.0)))
        .fold(1.0, f64::max);
    y_axis(&mut out, max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / v.len().max(1) as f64;
    let bar = (slot * 0.35).min(48.0);
    for (i, s) in v.iter().enumerate() {
        let mid = LEFT + slot * (i as f64 + 0.5);
        let mut bars = vec![("accepted", s.accepted, mid)];
        if let Some(committed) = s.committed {
            bars.insert(0, ("committed", committed, mid - bar));
            bars[1].2 = mid;
        } else {
            bars[0].2 = mid - bar / 2.0;
        }
        for (class, value, left) in bars {
            let h = plot_h * (value / max);
            let _ = write!(
                out,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">\
                 <title>{} {class}: {}</title></rect>",
                c(left),
                c(TOP + plot_h - h),
                c(bar),
                c(h),
                escape(&s.sprint),
                escape(&fmt_num(value))
            );
        }
        let _ = write!(
            out,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            c(mid),
            c(H - BOTTOM + 16.0),
            escape(&s.sprint)
        );
    }
    let _ = write!(
        out,
        "<rect class=\"committed\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"/>\
         <text class=\"axis\" x=\"{}\" y=\"{}\">committed</text>\
         <rect class=\"accepted\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"/>\
         <text class=\"axis\" x=\"{}\" y=\"{}\">accepted</text></svg>",
        c(LEFT),
        c(H - 14.0),
        c(LEFT + 14.0),
        c(H - 5.0),
        c(LEFT + 100.0),
        c(H - 14.0),
        c(LEFT + 114.0),
        c(H - 5.0)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_have_a_size_a_title_and_a_label() {
        for svg in [
            progress(3.0, 5.0, "G-1 <3>"),
            burndown(
                "S1",
                &[("2026-11-02".into(), 8.0), ("2026-11-03".into(), 5.0)],
                5,
                "2026-11-06",
            ),
            burndown("S1", &[], 0, ""),
            velocity(&[]),
        ] {
            assert!(svg.contains("viewBox=\"0 0 "), "{svg}");
            assert!(svg.contains("role=\"img\" aria-label=\""), "{svg}");
            assert!(svg.contains("<title>"), "{svg}");
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
            assert!(!svg.contains("<3>"), "{svg}");
        }
    }
}
