//! Signing in and staying signed in.
//!
//! The access token lives only in memory; the refresh token is kept in `localStorage` under
//! [`REFRESH_KEY`] so a reload can resume the session. Refresh tokens are single-use and
//! rotate, so two refreshes at once would make the second fail: [`refresh`] runs at most one
//! at a time and everyone who asks meanwhile waits for that one.

use std::future::Future;
use std::time::Duration;

use js_sys::Promise;
use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::AcceptInvite;
use livedesk_protocol::api::TokenPair;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::api::{self, ApiFailure};
use crate::desk::{AuthPhase, Desk};

pub const REFRESH_KEY: &str = "ld:refresh";

/// Refresh this long before the access token runs out.
const REFRESH_MARGIN_SECS: u64 = 60;
/// After a refresh failed because the server was unreachable, try again this much later.
const REFRESH_RETRY: Duration = Duration::from_secs(10);

#[derive(Default)]
pub(crate) struct SessionCell {
    access: Option<String>,
    /// When the access token expires, in milliseconds since the epoch (`Date.now()`).
    expires_at_ms: f64,
    refresh_timer: Option<TimeoutHandle>,
    /// The refresh under way, if any; resolves to `true` or rejects with a [`RefreshError`]
    /// encoded by [`RefreshError::to_js`].
    in_flight: Option<Promise>,
    /// Why the server last refused this session on its socket ("this account is
    /// deactivated…"), for the sign-in page should the refresh that follows be refused too.
    refusal: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshError {
    /// The refresh token was refused: the agent is signed out.
    Rejected,
    /// The server could not be asked; the session is kept and the refresh retried later.
    Unreachable,
}

impl RefreshError {
    fn to_js(self) -> JsValue {
        JsValue::from_bool(self == Self::Rejected)
    }

    fn from_js(value: &JsValue) -> Self {
        if value.as_bool() == Some(true) {
            Self::Rejected
        } else {
            Self::Unreachable
        }
    }
}

/// On start: resume the saved session, or show the sign-in form.
pub fn restore(desk: Desk) {
    if stored_refresh_token().is_none() {
        desk.auth.set(AuthPhase::SignedOut);
        return;
    }
    spawn_local(async move {
        if refresh(desk).await.is_err() && desk.auth.get_untracked() == AuthPhase::Checking {
            desk.auth.set(AuthPhase::SignedOut);
        }
    });
}

/// Signs in with e-mail and password; the error is the sentence to show.
pub async fn login(desk: Desk, email: String, password: String) -> Result<(), String> {
    let pair = api::login(email, password).await.map_err(|f| f.message())?;
    adopt(desk, pair);
    Ok(())
}

/// Takes up an invitation: the new account is made and signed in; the error is the
/// sentence to show.
pub async fn accept_invite(desk: Desk, request: AcceptInvite) -> Result<(), String> {
    let pair = api::accept_invite(request).await.map_err(|f| f.message())?;
    // Whoever was signed in in this browser is signed out: the new account takes over.
    if desk.auth.get_untracked() == AuthPhase::SignedIn {
        logout(desk);
    }
    adopt(desk, pair);
    Ok(())
}

/// The socket was refused with `reason`; kept until the refresh that follows tells whether
/// the session is over.
pub fn note_refusal(desk: Desk, reason: String) {
    desk.session.update_value(|s| s.refusal = Some(reason));
}

pub fn logout(desk: Desk) {
    let token = stored_refresh_token();
    desk.signed_out_reason.set(None);
    sign_out_locally(desk);
    if let Some(token) = token {
        // Best effort: the token is forgotten here either way.
        spawn_local(async move {
            let _ = api::logout(token).await;
        });
    }
}

/// The current access token, if signed in.
pub fn access_token(desk: Desk) -> Option<String> {
    desk.session.with_value(|s| s.access.clone())
}

/// True when the access token is missing or runs out within `margin_ms`.
pub fn access_expires_within(desk: Desk, margin_ms: f64) -> bool {
    desk.session
        .with_value(|s| s.access.is_none() || s.expires_at_ms - js_sys::Date::now() < margin_ms)
}

/// Runs an authorised request; on a 401 refreshes the session once and retries.
pub async fn authorized<T, F, Fut>(desk: Desk, call: F) -> Result<T, ApiFailure>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, ApiFailure>>,
{
    let signed_out = || ApiFailure::Status {
        status: 401,
        error: None,
    };
    let token = access_token(desk).ok_or_else(signed_out)?;
    match call(token).await {
        Err(failure) if failure.is_unauthorized() => {
            refresh(desk).await.map_err(|_| failure)?;
            call(access_token(desk).ok_or_else(signed_out)?).await
        }
        other => other,
    }
}

/// Exchanges the refresh token for a new pair; joins a refresh already under way.
pub async fn refresh(desk: Desk) -> Result<(), RefreshError> {
    let promise = match desk.session.with_value(|s| s.in_flight.clone()) {
        Some(promise) => promise,
        None => {
            let promise = future_to_promise(async move {
                let result = refresh_once(desk).await;
                desk.session.update_value(|s| s.in_flight = None);
                result.map(|()| JsValue::TRUE).map_err(RefreshError::to_js)
            });
            desk.session
                .update_value(|s| s.in_flight = Some(promise.clone()));
            promise
        }
    };
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|e| RefreshError::from_js(&e))
}

async fn refresh_once(desk: Desk) -> Result<(), RefreshError> {
    let Some(token) = stored_refresh_token() else {
        sign_out_locally(desk);
        return Err(RefreshError::Rejected);
    };
    match api::refresh(token).await {
        Ok(pair) => {
            desk.session.update_value(|s| s.refusal = None);
            adopt(desk, pair);
            Ok(())
        }
        Err(
            failure @ ApiFailure::Status {
                status: 400..=499, ..
            },
        ) => {
            let socket_said = desk
                .session
                .try_update_value(|s| s.refusal.take())
                .flatten();
            desk.signed_out_reason
                .set(Some(socket_said.unwrap_or_else(|| failure.message())));
            sign_out_locally(desk);
            Err(RefreshError::Rejected)
        }
        Err(_) => Err(RefreshError::Unreachable),
    }
}

/// Takes a fresh token pair into use.
fn adopt(desk: Desk, pair: TokenPair) {
    store_refresh_token(Some(&pair.refresh_token));
    let lifetime = pair.expires_in;
    desk.session.update_value(|s| {
        s.access = Some(pair.access_token);
        s.expires_at_ms = js_sys::Date::now() + lifetime as f64 * 1000.0;
    });
    schedule_refresh(desk, refresh_delay(lifetime));
    if desk
        .agent
        .with_untracked(|a| a.as_ref() != Some(&pair.agent))
    {
        desk.agent.set(Some(pair.agent));
    }
    if desk.auth.get_untracked() != AuthPhase::SignedIn {
        desk.signed_out_reason.set(None);
        desk.auth.set(AuthPhase::SignedIn);
        desk.on_signed_in();
    }
}

/// How long to wait before refreshing a token that lives `lifetime_secs`.
fn refresh_delay(lifetime_secs: u64) -> Duration {
    let secs = if lifetime_secs > 2 * REFRESH_MARGIN_SECS {
        lifetime_secs - REFRESH_MARGIN_SECS
    } else {
        lifetime_secs * 3 / 4
    };
    Duration::from_secs(secs.max(5))
}

fn schedule_refresh(desk: Desk, delay: Duration) {
    let fire = move || {
        spawn_local(async move {
            if refresh(desk).await == Err(RefreshError::Unreachable) {
                schedule_refresh(desk, REFRESH_RETRY);
            }
        });
    };
    let handle = set_timeout_with_handle(fire, delay).ok();
    desk.session.update_value(|s| {
        if let Some(old) = std::mem::replace(&mut s.refresh_timer, handle) {
            old.clear();
        }
    });
}

fn sign_out_locally(desk: Desk) {
    store_refresh_token(None);
    desk.session.update_value(|s| {
        if let Some(timer) = s.refresh_timer.take() {
            timer.clear();
        }
        s.access = None;
        s.expires_at_ms = 0.0;
    });
    if desk.auth.get_untracked() != AuthPhase::SignedOut {
        desk.auth.set(AuthPhase::SignedOut);
        desk.on_signed_out();
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored_refresh_token() -> Option<String> {
    storage()?
        .get_item(REFRESH_KEY)
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
}

fn store_refresh_token(token: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = match token {
            Some(token) => storage.set_item(REFRESH_KEY, token),
            None => storage.remove_item(REFRESH_KEY),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_refreshed_before_they_run_out() {
        assert_eq!(refresh_delay(900), Duration::from_secs(840));
        assert_eq!(refresh_delay(120), Duration::from_secs(90));
        assert_eq!(refresh_delay(2), Duration::from_secs(5));
    }
}
