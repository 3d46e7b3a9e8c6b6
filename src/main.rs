//! Entry point: only mounts. Everything else lives in the library.

fn main() {
    console_error_panic_hook::set_once();
    // Mounting waits for the runtime configuration; leptos' executor is set
    // up by the mount itself, so the wait runs on the plain wasm-bindgen one.
    wasm_bindgen_futures::spawn_local(partner_center::start());
}
