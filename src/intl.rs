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

/// A moment (seconds since the Unix epoch) as a date and time in `locale`,
/// in the browser's time zone, e.g. "November 25, 2026 at 2:03 PM" or
/// "2026年11月25日 下午2:03".
pub fn date_time(locale: &str, secs: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(secs as f64 * 1000.0));
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"long".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    String::from(date.to_locale_string(locale, &options))
}

/// A count in `locale`'s digits and grouping, e.g. 10,000.
pub fn number(locale: &str, n: u64) -> String {
    let args = Array::of1(&JsValue::from_str(locale));
    let format = (|| {
        let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
        let ctor: Function = Reflect::get(&intl, &JsValue::from_str("NumberFormat"))
            .ok()?
            .dyn_into()
            .ok()?;
        let f = Reflect::construct(&ctor, &args).ok()?;
        let fmt: Function = Reflect::get(&f, &"format".into()).ok()?.dyn_into().ok()?;
        fmt.call1(&f, &JsValue::from_f64(n as f64))
            .ok()?
            .as_string()
    })();
    format.unwrap_or_else(|| n.to_string())
}
