fn main() {
    eprintln!("benches/load.rs: not written yet");
}
