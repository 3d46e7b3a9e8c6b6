//! The only module that speaks HTTP: typed calls to the `/api/v1` server,
//! with one error type for every way a call can fail.

use gloo_net::http::{Request, RequestBuilder, Response};
use pc_api::profile::ProfileUpdate;
use pc_api::users::{
    ChangePasswordRequest, NewUserCreated, NewUserRequest, UpdateRolesRequest, UserPage,
};
use pc_api::{
    AcceptAgreementRequest, AcceptedAgreement, Agreement, AgreementAcceptance,
    CreateAccountRequest, EmailVerification, EnrollRequest, EnrollmentDraft, FieldErrors,
    LegalBusinessProfile, PartnerAccount, Problem, Session, SignInRequest, UserSummary,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::RequestCredentials;

use crate::config::Config;
use crate::i18n::Locale;
use leptos::prelude::{GetUntracked, RwSignal};

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server could not be reached (offline, DNS, refused, CORS).
    Network(String),
    /// The server answered with problem details.
    Problem(Problem),
    /// The server answered with an error status and no problem details.
    Status(u16),
}

impl ApiError {
    /// Field errors to show beside the fields, if any.
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            ApiError::Problem(p) if !p.errors.is_empty() => Some(&p.errors),
            _ => None,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Problem(p) => p.code.as_deref(),
            _ => None,
        }
    }

    /// Failures worth a "try again" banner rather than a form error.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network(_) => true,
            ApiError::Status(s) => *s >= 500,
            ApiError::Problem(p) => p.status >= 500,
        }
    }
}

#[derive(Clone)]
pub struct Api {
    config: Config,
    /// The language the user chose: every call asks the server to answer
    /// in it (problem texts, and the emails a call sends).
    locale: RwSignal<Locale>,
}

impl Api {
    pub fn new(config: Config, locale: RwSignal<Locale>) -> Self {
        Api { config, locale }
    }

    fn build(&self, method: &str, path: &str) -> RequestBuilder {
        let url = self.config.api_url(path);
        let b = match method {
            "POST" => Request::post(&url),
            "DELETE" => Request::delete(&url),
            "PUT" => Request::put(&url),
            _ => Request::get(&url),
        };
        // The header a cross-site form cannot send: the server refuses
        // state changes without it (CSRF defence).
        b.credentials(RequestCredentials::Include)
            .header("Accept", "application/json, application/problem+json")
            .header("Accept-Language", self.locale.get_untracked().tag())
            .header("X-Requested-With", "partner-center")
    }

    async fn send(&self, req: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
        let req = req.map_err(|e| ApiError::Network(e.to_string()))?;
        let res = req
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        if res.ok() {
            return Ok(res);
        }
        let status = res.status();
        let is_json = res
            .headers()
            .get("content-type")
            .is_some_and(|ct| ct.contains("json"));
        if is_json {
            if let Ok(p) = res.json::<Problem>().await {
                return Err(ApiError::Problem(p));
            }
        }
        Err(ApiError::Status(status))
    }

    async fn json<T: DeserializeOwned>(&self, res: Response) -> Result<T, ApiError> {
        res.json::<T>()
            .await
            .map_err(|e| ApiError::Network(format!("unreadable answer: {e}")))
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let res = self.send(self.build("POST", path).json(body)).await?;
        self.json(res).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let res = self.send(self.build("GET", path).build()).await?;
        self.json(res).await
    }

    async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let res = self.send(self.build("PUT", path).json(body)).await?;
        self.json(res).await
    }

    pub async fn current_session(&self) -> Result<Option<Session>, ApiError> {
        match self.send(self.build("GET", "/session").build()).await {
            Ok(res) => self.json(res).await.map(Some),
            Err(ApiError::Problem(p)) if p.status == 401 => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn create_account(&self, req: &CreateAccountRequest) -> Result<Session, ApiError> {
        self.post("/accounts", req).await
    }

    pub async fn sign_in(&self, req: &SignInRequest) -> Result<Session, ApiError> {
        self.post("/session", req).await
    }

    /// Replaces the signed-in user's password (required after a temporary one).
    pub async fn change_password(&self, req: &ChangePasswordRequest) -> Result<Session, ApiError> {
        let res = self
            .send(self.build("PUT", "/session/password").json(req))
            .await?;
        self.json(res).await
    }

    /// The registered profile for a DUNS number.
    pub async fn duns(&self, number: &str) -> Result<LegalBusinessProfile, ApiError> {
        let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
        let res = self
            .send(self.build("GET", &format!("/duns/{digits}")).build())
            .await?;
        self.json(res).await
    }

    pub async fn draft(&self) -> Result<EnrollmentDraft, ApiError> {
        let res = self
            .send(self.build("GET", "/enrollment/draft").build())
            .await?;
        self.json(res).await
    }

    pub async fn save_draft(&self, draft: &EnrollmentDraft) -> Result<EnrollmentDraft, ApiError> {
        let res = self
            .send(self.build("PUT", "/enrollment/draft").json(draft))
            .await?;
        self.json(res).await
    }

    /// *Enroll now*; `key` makes retries safe. The contact's emails are
    /// in the applicant's language.
    pub async fn enroll(&self, req: &EnrollRequest, key: &str) -> Result<PartnerAccount, ApiError> {
        let b = self
            .build("POST", "/enrollment")
            .header("Idempotency-Key", key);
        let res = self.send(b.json(req)).await?;
        self.json(res).await
    }

    /// The tenant's partner account, `None` before enrolling.
    pub async fn partner_account(&self) -> Result<Option<PartnerAccount>, ApiError> {
        match self
            .send(self.build("GET", "/partner-account").build())
            .await
        {
            Ok(res) => self.json(res).await.map(Some),
            Err(ApiError::Problem(p)) if p.status == 404 => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn current_agreement(&self) -> Result<Agreement, ApiError> {
        let res = self
            .send(self.build("GET", "/agreements/current").build())
            .await?;
        self.json(res).await
    }

    pub async fn accept_agreement(
        &self,
        req: &AcceptAgreementRequest,
    ) -> Result<AgreementAcceptance, ApiError> {
        self.post("/agreements/mpn/acceptance", req).await
    }

    pub async fn verification(&self, token: &str) -> Result<EmailVerification, ApiError> {
        let res = self
            .send(
                self.build("GET", &format!("/email-verification/{token}"))
                    .build(),
            )
            .await?;
        self.json(res).await
    }

    /// `action` is `confirm`, `decline` or `undo`.
    pub async fn answer_verification(
        &self,
        token: &str,
        action: &str,
    ) -> Result<EmailVerification, ApiError> {
        let res = self
            .send(
                self.build("POST", &format!("/email-verification/{token}/{action}"))
                    .build(),
            )
            .await?;
        self.json(res).await
    }

    /// Sends a new link; from a link's page (`Some(token)`) or as the applicant.
    /// Answers the address it went to.
    pub async fn resend_verification(&self, token: Option<&str>) -> Result<String, ApiError> {
        let path = match token {
            Some(t) => format!("/email-verification/{t}/resend"),
            None => "/email-verification/resend".to_owned(),
        };
        let res = self.send(self.build("POST", &path).build()).await?;
        let sent: pc_api::LinkResent = self.json(res).await?;
        Ok(sent.email)
    }

    pub async fn sign_out(&self) -> Result<(), ApiError> {
        self.send(self.build("DELETE", "/session").build())
            .await
            .map(|_| ())
    }

    pub async fn update_profile(&self, req: &ProfileUpdate) -> Result<PartnerAccount, ApiError> {
        self.put("/partner-account/profile", req).await
    }

    pub async fn accepted_agreement(&self, id: &str) -> Result<AcceptedAgreement, ApiError> {
        self.get(&format!("/agreements/{}/accepted", encode(id)))
            .await
    }

    /// Where the browser downloads the accepted agreement's PDF.
    pub fn agreement_pdf_url(&self, id: &str, lang: &str) -> String {
        self.config.api_url(&format!(
            "/agreements/{}/accepted.pdf?lang={}",
            encode(id),
            encode(lang)
        ))
    }

    pub async fn users(&self, q: &str, page: u32, per_page: u32) -> Result<UserPage, ApiError> {
        self.get(&format!(
            "/users?q={}&page={page}&per_page={per_page}",
            encode(q)
        ))
        .await
    }

    pub async fn add_user(&self, req: &NewUserRequest) -> Result<NewUserCreated, ApiError> {
        self.post("/users", req).await
    }

    pub async fn set_roles(
        &self,
        id: &str,
        req: &UpdateRolesRequest,
    ) -> Result<UserSummary, ApiError> {
        self.put(&format!("/users/{}/roles", encode(id)), req).await
    }

    /// Sends a supporting document for a rejected check (`employment` or
    /// `business`); the body is the file itself.
    pub async fn upload_document(
        &self,
        check: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<pc_api::documents::DocumentReceived, ApiError> {
        let path = format!(
            "/partner-account/checks/{}/documents?name={}",
            encode(check),
            encode(name)
        );
        let body = js_sys::Uint8Array::from(bytes);
        let req = self
            .build("POST", &path)
            .header("Content-Type", "application/octet-stream")
            .body(body);
        let res = self.send(req).await?;
        self.json(res).await
    }

    pub async fn remove_user(&self, id: &str) -> Result<(), ApiError> {
        self.send(
            self.build("DELETE", &format!("/users/{}", encode(id)))
                .build(),
        )
        .await
        .map(|_| ())
    }
}

/// A query or path part, percent-encoded.
fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}
