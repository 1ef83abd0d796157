fn main() {
    std::process::exit(kaohe::cli::main());
}
