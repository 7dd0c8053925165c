//! CSV cells, safe to open in a spreadsheet: quoted where needed, and a
//! text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a
//! leading tab or carriage return) gets a leading `'`. Plain numbers
//! (`-1.5`) are left alone: a spreadsheet reads them as numbers, never as
//! formulas.

/// One cell.
pub fn cell(s: &str) -> String {
    let number = s.parse::<f64>().is_ok_and(f64::is_finite);
    let guarded = if !number && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One line of cells, with its line ending.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1+2"), "'+1+2");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-1.5"), "-1.5");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("plain"), "plain");
    }
}
