//! JSON as the reports print it: pretty, two spaces, a line break at the end.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

/// `value` as pretty JSON and a line break: every report's JSON.
pub fn value(w: &mut dyn Write, value: &(impl Serialize + ?Sized)) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::from)?;
    writeln!(w)
}

/// `rows` as a pretty JSON array and a line break: the very bytes of
/// `serde_json::to_writer_pretty`, each run of rows serialised on its own
/// core and written at once. A whole history's 22,000 events were written
/// to the writer in a million small pieces, on one core.
pub fn rows<T: Serialize + Sync>(w: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    if rows.is_empty() {
        return w.write_all(b"[]\n");
    }
    let parts: Vec<Vec<u8>> = rows
        .par_chunks(256)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * 256);
            for row in chunk {
                let one = serde_json::to_vec_pretty(row).map_err(io::Error::from)?;
                out.extend_from_slice(b",\n  ");
                // One level deeper: JSON strings hold no raw line break, so
                // every one is between tokens.
                let mut lines = one.split(|&b| b == b'\n');
                out.extend_from_slice(lines.next().unwrap_or_default());
                for line in lines {
                    out.extend_from_slice(b"\n  ");
                    out.extend_from_slice(line);
                }
            }
            Ok(out)
        })
        .collect::<io::Result<_>>()?;
    // The first row's separator is the opening line break alone.
    w.write_all(b"[")?;
    for (i, part) in parts.iter().enumerate() {
        w.write_all(if i == 0 { &part[1..] } else { part })?;
    }
    w.write_all(b"\n]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same bytes as serde_json's own pretty printer, nested values,
    /// empty ones and line breaks inside strings included.
    #[test]
    fn rows_print_as_serde_json_prints_the_array() {
        let value = |n: usize| {
            serde_json::json!({
                "n": n,
                "text": format!("line\nbreak {n}"),
                "empty": {},
                "none": [],
                "list": [1, {"deep": [n, "x"]}],
            })
        };
        for count in [0, 1, 2, 255, 256, 257, 600] {
            let values: Vec<_> = (0..count).map(value).collect();
            let mut ours = Vec::new();
            rows(&mut ours, &values).unwrap();
            let mut theirs = serde_json::to_vec_pretty(&values).unwrap();
            theirs.push(b'\n');
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap(),
                "{count} rows"
            );
        }
    }
}
