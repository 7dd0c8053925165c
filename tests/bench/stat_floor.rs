//! The floor of a verified story cache, for `.ci/bench-one-story`: list a
//! folder and `stat` each of its files by name, half the names on each of
//! two threads, as the one-story commands do before they decide anything,
//! and nothing else.
//!
//!     cargo run --release --example stat-floor -- DIR

use rustix::fs::{AtFlags, Dir, Mode, OFlags};

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: stat-floor DIR");
        std::process::exit(2);
    };
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let folder = rustix::fs::open(&dir, flags, Mode::empty()).unwrap_or_else(|e| {
        eprintln!("cannot open {}: {e}", dir.to_string_lossy());
        std::process::exit(1)
    });
    let mut names: Vec<std::ffi::CString> = Vec::new();
    for entry in Dir::read_from(&folder).into_iter().flatten().flatten() {
        if !matches!(entry.file_name().to_bytes(), b"." | b"..") {
            names.push(entry.file_name().to_owned());
        }
    }
    let (first, second) = names.split_at(names.len() / 2);
    let stat_all = |half: &[std::ffi::CString]| {
        half.iter()
            .filter(|n| {
                rustix::fs::statat(&folder, n.as_c_str(), AtFlags::SYMLINK_NOFOLLOW).is_ok()
            })
            .count()
    };
    let stated = std::thread::scope(|s| {
        let other = s.spawn(|| stat_all(second));
        stat_all(first) + other.join().unwrap_or(0)
    });
    println!("{stated} of {} files stat'ed", names.len());
}
