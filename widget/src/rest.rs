//! The widget's REST calls with the visitor token: the visitor's details (pre-chat form,
//! `Livedesk.updateVisitor`) and the offline form.

use livedesk_protocol::widget::{OfflineMessageRequest, VisitorProfile};
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
