//! Names the browser already knows in every language: countries and
//! regions through `Intl.DisplayNames`, so the app ships no name tables.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The name of region `code` (ISO 3166-1 alpha-2) in `locale`, or `fallback`
/// when the browser cannot say.
pub fn region_name(locale: &str, code: &str, fallback: &str) -> String {
    region_name_js(locale, code).unwrap_or_else(|| fallback.to_owned())
}

fn region_name_js(locale: &str, code: &str) -> Option<String> {
    let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
    let ctor: Function = Reflect::get(&intl, &JsValue::from_str("DisplayNames"))
        .ok()?
        .dyn_into()
        .ok()?;
    let options = Object::new();
    Reflect::set(&options, &"type".into(), &"region".into()).ok()?;
    let args = Array::of2(&JsValue::from_str(locale), &options);
    let names = Reflect::construct(&ctor, &args).ok()?;
    let of: Function = Reflect::get(&names, &"of".into()).ok()?.dyn_into().ok()?;
    of.call1(&names, &JsValue::from_str(code)).ok()?.as_string()
}
