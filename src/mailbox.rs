//! `/dev/mailbox`: the emails the server would have sent, for development
//! servers without SMTP (the API answers only in `--dev` mode).

use leptos::prelude::*;

use crate::api::Api;
use crate::i18n::use_i18n;
use crate::page::PageTitle;

/// Splits text into plain runs and links, so links in emails can be clicked.
pub fn linkify(text: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = vec![];
    for (i, word) in text.split(' ').enumerate() {
        let sep = if i == 0 { "" } else { " " };
        for (j, line_part) in word.split('\n').enumerate() {
            let nl = if j == 0 { sep } else { "\n" };
            if line_part.starts_with("http://") || line_part.starts_with("https://") {
                out.push((false, nl.to_owned()));
                out.push((true, line_part.to_owned()));
            } else {
                match out.last_mut() {
                    Some((false, s)) => {
                        s.push_str(nl);
                        s.push_str(line_part);
                    }
                    _ => out.push((false, format!("{nl}{line_part}"))),
                }
            }
        }
    }
    out
}

#[component]
pub fn DevMailbox() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let mail = LocalResource::new(move || {
        let api = api.clone();
        async move { api.mailbox().await }
    });
    view! {
        <PageTitle key="mailbox-title" />
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{move || i18n.t("mailbox-title")}</h1>
            <p class="lead">{move || i18n.t("mailbox-lead")}</p>
            <Suspense fallback=move || view! { <p class="muted" role="status">{i18n.t("loading")}</p> }>
                {move || {
                    mail.get()
                        .map(|r| match r {
                            Err(_) => view! { <p class="notice notice--warning">{i18n.t("mailbox-off")}</p> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <p>{i18n.t("mailbox-empty")}</p> }.into_any(),
                            Ok(list) => {
                                list.into_iter()
                                    .map(|m| {
                                        view! {
                                            <article class="mailbox__item">
                                                <h2>{m.subject.clone()}</h2>
                                                <p class="muted">{i18n.t_with("mailbox-to", &[("email", &m.to)])}</p>
                                                <pre class="mailbox__body">
                                                    {linkify(&m.body)
                                                        .into_iter()
                                                        .map(|(is_link, t)| {
                                                            if is_link {
                                                                view! { <a href=t.clone()>{t.clone()}</a> }.into_any()
                                                            } else {
                                                                t.into_any()
                                                            }
                                                        })
                                                        .collect::<Vec<_>>()}
                                                </pre>
                                            </article>
                                        }
                                    })
                                    .collect::<Vec<_>>()
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::linkify;

    #[test]
    fn links_are_found_and_the_rest_kept_as_text() {
        let parts = linkify("Hello,\nopen this link:\nhttp://x.test/verify-email/abc\n\nThanks");
        let links: Vec<_> = parts
            .iter()
            .filter(|(l, _)| *l)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(links, ["http://x.test/verify-email/abc"]);
        let text: String = parts.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            text,
            "Hello,\nopen this link:\nhttp://x.test/verify-email/abc\n\nThanks"
        );
    }
}
