fn main() {
    std::process::exit(backlog::cli::main());
}
