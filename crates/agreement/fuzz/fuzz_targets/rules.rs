//! Every shared rule on whatever text the fuzzer makes: none may panic
//! (libFuzzer reports a panic as a crash, with the input that caused it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = pc_agreement::answers(s);
});
