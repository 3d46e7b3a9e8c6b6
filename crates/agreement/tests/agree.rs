//! The browser build (wasm32) of the shared rules answers every input of
//! the corpus as the server build (native) did when `build.rs` ran.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn this_build_answers_every_input_as_the_native_build() {
    let inputs = pc_agreement::inputs();
    let native: Vec<&str> = pc_agreement::NATIVE_ANSWERS.lines().collect();
    assert_eq!(
        inputs.len(),
        native.len(),
        "corpus and recorded answers differ in length"
    );
    let mut differ = vec![];
    for (input, expected) in inputs.iter().zip(&native) {
        let here = pc_agreement::answers(input);
        if here != *expected {
            differ.push(format!(
                "input {input:?}\n  native: {expected}\n  here:   {here}"
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} inputs answered differently; first:\n{}",
        differ.len(),
        inputs.len(),
        differ.first().map(String::as_str).unwrap_or("")
    );
}
