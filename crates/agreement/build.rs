//! Runs every shared rule on the corpus with the native build of `pc-api`
//! and writes the answers, one line per input, for the test to compare.

#[path = "src/corpus.rs"]
mod corpus;

fn main() {
    println!("cargo:rerun-if-changed=src/corpus.rs");
    println!("cargo:rerun-if-changed=../api/src");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut text = String::new();
    for input in corpus::inputs() {
        text.push_str(&corpus::answers(&input));
        text.push('\n');
    }
    std::fs::write(out.join("native_answers.txt"), text).expect("write native_answers.txt");
}
