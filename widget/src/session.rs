//! `POST /api/v1/visitor/session`: who the visitor is, and the token for the socket.
//!
//! The visitor token is kept in the frame's `localStorage` (the Livedesk origin's, not the
//! host page's) under `ld:vt:<site key>`, so a returning visitor keeps their conversation.

use livedesk_protocol::api::VisitorSessionRequest;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response, Storage};

use crate::wire::{self, Refusal, Session};

const SESSION_PATH: &str = "/api/v1/visitor/session";

/// `ErrorCode`s the widget acts on, as the protocol spells them (checked in `wire`'s tests).
pub const TOKEN_EXPIRED: &str = "token_expired";
pub const UNAUTHORIZED: &str = "unauthorized";
pub const RATE_LIMITED: &str = "rate_limited";
pub const UNAVAILABLE: &str = "unavailable";
pub const INTERNAL: &str = "internal";

pub enum SessionError {
    /// The server said no for a reason retrying will not change (unknown site, origin not
    /// allowed, …); the message is for the visitor.
    Refused(String),
    /// The server could not be reached or failed; try again later.
    Unreachable(String),
}

pub async fn open(site_key: &str, page_origin: Option<&str>) -> Result<Session, SessionError> {
    let storage = local_storage();
    let token_key = format!("ld:vt:{site_key}");
    let stored = storage
        .as_ref()
        .and_then(|s| s.get_item(&token_key).ok().flatten());
    let mut request = VisitorSessionRequest {
        site_key: site_key.to_owned(),
        visitor_token: stored,
        page_origin: page_origin.map(str::to_owned),
    };
    let mut answer = post(&request).await;
    if let Err(Some(error)) = &answer
        && [TOKEN_EXPIRED, UNAUTHORIZED].contains(&error.code.as_str())
        && request.visitor_token.is_some()
    {
        // The stored token is stale: become a new visitor rather than no visitor.
        if let Some(storage) = &storage {
            let _ = storage.remove_item(&token_key);
        }
        request.visitor_token = None;
        answer = post(&request).await;
    }
    match answer {
        Ok(session) => {
            if let Some(storage) = &storage {
                let _ = storage.set_item(&token_key, &session.visitor_token);
            }
            Ok(session)
        }
        Err(Some(error)) if is_final(&error.code) => Err(SessionError::Refused(error.message)),
        Err(Some(error)) => Err(SessionError::Unreachable(error.message)),
        Err(None) => Err(SessionError::Unreachable(String::new())),
    }
}

/// Errors that another attempt with the same request would get again.
fn is_final(code: &str) -> bool {
    ![RATE_LIMITED, UNAVAILABLE, INTERNAL].contains(&code)
}

/// `Err(None)`: no usable answer (network down, not JSON).
async fn post(body: &VisitorSessionRequest) -> Result<Session, Option<Refusal>> {
    let json = serde_json::to_string(body).map_err(|_| None)?;
    let response = fetch_json(&json).await.map_err(|_| None)?;
    let answer = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    if response.ok() {
        wire::session(&answer).ok_or(None)
    } else {
        Err(wire::refusal(&answer))
    }
}

async fn fetch_json(json: &str) -> Result<Response, JsValue> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(json));
    let request = Request::new_with_str_and_init(SESSION_PATH, &init)?;
    request.headers().set("content-type", "application/json")?;
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    JsFuture::from(window.fetch_with_request(&request))
        .await?
        .dyn_into()
}

/// `None` when storage is blocked (some browsers block it in third-party frames).
pub fn local_storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
