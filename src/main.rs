//! Entry point: mounts the app when this is its own page. On a host page
//! that embeds it (`partner-center.js`), the host mounts it instead.

fn main() {
    console_error_panic_hook::set_once();
    if partner_center::is_standalone() {
        // Mounting waits for the runtime configuration; leptos' executor is
        // set up by the mount itself, so the wait runs on the plain
        // wasm-bindgen one.
        wasm_bindgen_futures::spawn_local(partner_center::start());
    }
}
