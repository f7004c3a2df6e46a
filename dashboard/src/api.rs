//! The REST client: JSON over `fetch`, same origin as the page.
//!
//! Functions here know nothing about sessions; [`crate::session`] adds the bearer token and
//! the refresh-and-retry on an expired token.

use livedesk_protocol::ApiError;
use livedesk_protocol::admin::{AcceptInvite, InviteDetails, InviteLookup};
use livedesk_protocol::api::{LoginRequest, RefreshRequest, TokenPair};
use livedesk_protocol::chat::{ConversationSummary, InboxView, Message, SharedFileMessage};
use livedesk_protocol::ids::{ConversationId, VisitorId};
use livedesk_protocol::visitors::VisitorPresence;
use livedesk_protocol::widget::{OfflineMessage, VisitorDetails};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// Why a request did not produce the expected answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiFailure {
    /// The server could not be reached (offline, DNS, connection refused, CORS).
    Network,
    /// The server answered with an error status; `error` is its JSON body when it had one.
    Status {
        status: u16,
        error: Option<ApiError>,
    },
    /// A success status with a body that is not what the protocol says.
    Malformed,
}

impl ApiFailure {
    /// True when the credentials were refused, i.e. refreshing the session may help.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Status { status: 401, .. })
    }

    /// A sentence to show to the agent.
    pub fn message(&self) -> String {
        match self {
            Self::Network => "Cannot reach the Livedesk server. Check your connection.".into(),
            Self::Status {
                error: Some(error), ..
            } => error.message.clone(),
            Self::Status {
                status,
                error: None,
            } => format!("The server answered {status}."),
            Self::Malformed => "The server sent an answer this page does not understand.".into(),
        }
    }
}

pub async fn login(email: String, password: String) -> Result<TokenPair, ApiFailure> {
    let body = LoginRequest { email, password };
    decode(send("POST", "/api/v1/auth/login", Some(&body), None).await?)
}

/// What the invitation link `token` is for (no account yet, so no token).
pub async fn invite(token: String) -> Result<InviteDetails, ApiFailure> {
    let body = InviteLookup { token };
    decode(send("POST", "/api/v1/invite", Some(&body), None).await?)
}

pub async fn accept_invite(request: AcceptInvite) -> Result<TokenPair, ApiFailure> {
    decode(send("POST", "/api/v1/invite/accept", Some(&request), None).await?)
}

pub async fn refresh(refresh_token: String) -> Result<TokenPair, ApiFailure> {
    let body = RefreshRequest { refresh_token };
    decode(send("POST", "/api/v1/auth/refresh", Some(&body), None).await?)
}

pub async fn logout(refresh_token: String) -> Result<(), ApiFailure> {
    let body = RefreshRequest { refresh_token };
    send("POST", "/api/v1/auth/logout", Some(&body), None)
        .await
        .map(drop)
}

/// The inbox's `view`, or the conversations matching `search`.
pub async fn conversations(
    access: &str,
    view: InboxView,
    search: Option<&str>,
) -> Result<Vec<ConversationSummary>, ApiFailure> {
    let view = serde_json::to_value(view)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut path = format!("/api/v1/conversations?view={view}");
    if let Some(search) = search {
        path.push_str("&q=");
        path.push_str(&String::from(js_sys::encode_uri_component(search)));
    }
    get(access, &path).await
}

pub async fn messages(
    access: &str,
    conversation: ConversationId,
    after_seq: i64,
) -> Result<Vec<Message>, ApiFailure> {
    let path = format!("/api/v1/conversations/{conversation}/messages?after_seq={after_seq}");
    decode(send::<()>("GET", &path, None, Some(access)).await?)
}

pub async fn offline_messages(access: &str) -> Result<Vec<OfflineMessage>, ApiFailure> {
    get(access, "/api/v1/site/offline-messages").await
}

pub async fn online_visitors(access: &str) -> Result<Vec<VisitorPresence>, ApiFailure> {
    get(access, "/api/v1/site/visitors/online").await
}

pub async fn visitor(access: &str, visitor: VisitorId) -> Result<VisitorDetails, ApiFailure> {
    get(access, &format!("/api/v1/site/visitors/{visitor}")).await
}

/// `GET path` with the agent's token, decoded as `T`. The building block for the pages'
/// own requests.
pub async fn get<T: DeserializeOwned>(access: &str, path: &str) -> Result<T, ApiFailure> {
    decode(send::<()>("GET", path, None, Some(access)).await?)
}

/// `method path` with a JSON body and the agent's token, the answer decoded as `T`.
pub async fn write<B: Serialize, T: DeserializeOwned>(
    access: &str,
    method: &str,
    path: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    decode(send(method, path, Some(body), Some(access)).await?)
}

/// `method path` with the agent's token where the answer's body does not matter
/// (`DELETE`, `204 No Content`).
pub async fn call<B: Serialize>(
    access: &str,
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<(), ApiFailure> {
    send(method, path, body, Some(access)).await.map(drop)
}

/// `GET path` with the agent's token, the body as a `Blob` (shared files).
pub async fn blob(access: &str, path: &str) -> Result<web_sys::Blob, ApiFailure> {
    let response = fetch::<()>("GET", path, None, Some(access))
        .await
        .map_err(|_| ApiFailure::Network)?;
    let status = response.status();
    if !(200..300).contains(&status) {
        return Err(ApiFailure::Status {
            status,
            error: None,
        });
    }
    let promise = response.blob().map_err(|_| ApiFailure::Malformed)?;
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|b| b.dyn_into().ok())
        .ok_or(ApiFailure::Malformed)
}

/// `POST /api/v1/conversations/{id}/files?name=…` with the file as the body: the file is
/// shared as the agent's reply, which also arrives over the socket like any reply.
pub async fn share_file(
    access: &str,
    conversation: ConversationId,
    file: &web_sys::File,
) -> Result<SharedFileMessage, ApiFailure> {
    let path = format!(
        "/api/v1/conversations/{conversation}/files?name={}",
        String::from(js_sys::encode_uri_component(&file.name()))
    );
    let response = async {
        let headers = Headers::new()?;
        headers.set("Accept", "application/json")?;
        headers.set("Authorization", &format!("Bearer {access}"))?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(file);
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let response = JsFuture::from(window.fetch_with_str_and_init(&path, &init)).await?;
        response.dyn_into::<Response>()
    }
    .await
    .map_err(|_| ApiFailure::Network)?;
    decode(answer_text(response).await?)
}

fn decode<T: DeserializeOwned>(text: String) -> Result<T, ApiFailure> {
    serde_json::from_str(&text).map_err(|_| ApiFailure::Malformed)
}

/// Sends one request and returns the body of a 2xx answer as text.
async fn send<B: Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
    bearer: Option<&str>,
) -> Result<String, ApiFailure> {
    let response = fetch(method, path, body, bearer)
        .await
        .map_err(|_| ApiFailure::Network)?;
    answer_text(response).await
}

/// The body of a 2xx answer as text; an error status as [`ApiFailure::Status`].
async fn answer_text(response: Response) -> Result<String, ApiFailure> {
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string()),
        Err(_) => None,
    }
    .unwrap_or_default();
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        let error = serde_json::from_str::<ApiError>(&text).ok();
        Err(ApiFailure::Status { status, error })
    }
}

async fn fetch<B: Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
    bearer: Option<&str>,
) -> Result<Response, JsValue> {
    let headers = Headers::new()?;
    headers.set("Accept", "application/json")?;
    if let Some(token) = bearer {
        headers.set("Authorization", &format!("Bearer {token}"))?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let json = serde_json::to_string(body).map_err(|e| JsValue::from_str(&e.to_string()))?;
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(&json));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response = JsFuture::from(window.fetch_with_str_and_init(path, &init)).await?;
    response.dyn_into()
}
