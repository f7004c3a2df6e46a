//! The widget's REST calls with the visitor token: the visitor's details (pre-chat form,
//! `Livedesk.updateVisitor`) and the offline form.

use livedesk_protocol::widget::{OfflineMessageRequest, VisitReport, VisitorProfile};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::wire;

pub const PROFILE_PATH: &str = "/api/v1/visitor/profile";
pub const OFFLINE_PATH: &str = "/api/v1/visitor/offline-messages";

/// Why a call failed: the server's message (for the visitor), or nothing when the server
/// could not be reached.
pub type Failure = Option<String>;

pub async fn update_profile(token: &str, profile: &VisitorProfile) -> Result<(), Failure> {
    let json = serde_json::to_string(profile).map_err(|_| None)?;
    post(PROFILE_PATH, token, &json).await
}

pub async fn leave_offline_message(
    token: &str,
    message: &OfflineMessageRequest,
) -> Result<(), Failure> {
    let json = serde_json::to_string(message).map_err(|_| None)?;
    post(OFFLINE_PATH, token, &json).await
}

pub async fn report_visit(token: &str, report: &VisitReport) -> Result<(), Failure> {
    let json = serde_json::to_string(report).map_err(|_| None)?;
    post("/api/v1/visitor/visit", token, &json).await
}

async fn post(path: &str, token: &str, json: &str) -> Result<(), Failure> {
    let response = send(path, token, json).await.map_err(|_| None)?;
    if response.ok() {
        return Ok(());
    }
    let answer = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    Err(wire::refusal(&answer).map(|r| r.message))
}

async fn send(path: &str, token: &str, json: &str) -> Result<Response, JsValue> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(json));
    let request = Request::new_with_str_and_init(path, &init)?;
    let headers = request.headers();
    headers.set("content-type", "application/json")?;
    headers.set("authorization", &format!("Bearer {token}"))?;
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    JsFuture::from(window.fetch_with_request(&request))
        .await?
        .dyn_into()
}

/// What the widget keeps of `UploadedFile`.
pub struct Uploaded {
    pub id: String,
    pub name: String,
    pub url: String,
}

/// `POST /api/v1/visitor/files?name=…` with the file as the body.
pub async fn upload_file(
    token: &str,
    name: &str,
    file: &web_sys::Blob,
) -> Result<Uploaded, Failure> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(file);
    let path = format!(
        "/api/v1/visitor/files?name={}",
        String::from(js_sys::encode_uri_component(name))
    );
    let response = async {
        let request = Request::new_with_str_and_init(&path, &init)?;
        request
            .headers()
            .set("authorization", &format!("Bearer {token}"))?;
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        JsFuture::from(window.fetch_with_request(&request))
            .await?
            .dyn_into::<Response>()
    }
    .await
    .map_err(|_| None)?;
    let answer = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    if !response.ok() {
        return Err(wire::refusal(&answer).map(|r| r.message));
    }
    use crate::wire::Json;
    let text = |k: &str| answer.field(k).and_then(|v| v.string());
    match (text("id"), text("name"), text("url")) {
        (Some(id), Some(name), Some(url)) => Ok(Uploaded { id, name, url }),
        _ => Err(None),
    }
}

/// `GET` a shared file (an address from [`crate::upload::shared_file`]) with the token.
pub async fn fetch_file(token: &str, url: &str) -> Result<web_sys::Blob, Failure> {
    let response = async {
        let init = RequestInit::new();
        init.set_method("GET");
        let request = Request::new_with_str_and_init(url, &init)?;
        request
            .headers()
            .set("authorization", &format!("Bearer {token}"))?;
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        JsFuture::from(window.fetch_with_request(&request))
            .await?
            .dyn_into::<Response>()
    }
    .await
    .map_err(|_| None)?;
    if !response.ok() {
        return Err(None);
    }
    let blob = JsFuture::from(response.blob().map_err(|_| None)?)
        .await
        .map_err(|_| None)?;
    blob.dyn_into().map_err(|_| None)
}
