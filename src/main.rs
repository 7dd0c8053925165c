/// mimalloc instead of the system allocator: loading a backlog makes many
/// small allocations on every core, and glibc's malloc was a sixth of
/// `list`'s time (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's own setting of an option (`mi_option_e` in its v3
    /// `mimalloc.h`).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}
/// `mi_option_arena_eager_commit` and `mi_option_purge_delay` (v3).
const ARENA_EAGER_COMMIT: std::ffi::c_int = 4;
const PURGE_DELAY: std::ffi::c_int = 15;

fn main() {
    // Commit memory as it is used and give freed memory back within a
    // millisecond: history frees each version as it goes, and by default
    // (10 ms) mimalloc held on to it (peak 83 MB instead of 72 MB on the PEP
    // history). Not at once: a page freed and needed again moments later (a
    // story's front-matter layout, freed when the story is read) was given
    // back and faulted in again, 7,000 madvise calls at 10,000 stories, and
    // `check` at 100,000 stories took 3.3 s instead of 2.5 s.
    // SAFETY: plain setters of mimalloc's options, called before any thread starts.
    unsafe {
        mi_option_set(ARENA_EAGER_COMMIT, 0);
        mi_option_set(PURGE_DELAY, 1);
    }
    exit_now(backlog::cli::main(|cli| {
        if !cli.reads_through_story_cache() {
            small_pages_only();
        }
    }))
}

/// Keeps the process on the system's small pages: mimalloc asks for
/// transparent huge pages, which a command through the story cache gains
/// from (its few megabytes of summaries are touched once, and every 4 KB
/// page of them was a fault: `show` 2.2 ms and `rank` 1.5 ms faster at
/// 10,000 stories), but which grow the peak of the commands that read the
/// whole backlog or its history, whose freed memory is given back a page at
/// a time (docs/benchmarks.md, "Huge pages for the story cache").
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // SAFETY: sets a flag of this process; takes no pointers.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Ends the process, its output flushed, without the C library's exit
/// handlers: mimalloc's collected every page the command had used and gave
/// each back to the system (1 ms of a warm `log ID` or a `show`), which
/// the system does anyway when the process ends. Every file and lock was
/// closed when the command returned.
fn exit_now(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(unix)]
    // SAFETY: `_exit` only ends the process; nothing runs after it.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}
