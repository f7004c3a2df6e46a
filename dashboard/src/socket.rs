//! The agent socket, `/ws/agent`: one connection at a time, reconnected with backoff.
//!
//! [`AgentSocket`] is a cheap handle (`Rc`) stored in the [`Desk`]. Each connection is a
//! [`LiveSocket`] that owns its browser callbacks; dropping it detaches and closes them,
//! so nothing is leaked with `forget`. A connection is only ever dropped from a timer or an
//! action, never from inside one of its own callbacks.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::close_code;
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::desk::{Desk, Link};
use crate::session::{self, RefreshError};

/// The server drops sockets that stay silent; a ping this often keeps ours alive.
const PING_EVERY_MS: i32 = 25_000;
/// Backoff before reconnect attempt n is `min(1 s · 2ⁿ, MAX)` plus up to `JITTER`.
const BACKOFF_MAX_MS: f64 = 15_000.0;
const BACKOFF_JITTER_MS: f64 = 1_000.0;
/// Refresh the access token before connecting when it expires sooner than this.
const TOKEN_MARGIN_MS: f64 = 30_000.0;

#[derive(Clone, Default)]
pub struct AgentSocket {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// Signed in and wanting a connection.
    running: bool,
    live: Option<LiveSocket>,
    /// Failed attempts since the last successful open.
    attempt: u32,
    /// Some connection has opened since sign-in (the next open is a reconnect).
    opened_before: bool,
    retry: Option<TimeoutHandle>,
}

/// One WebSocket and the callbacks it calls; both go away together.
struct LiveSocket {
    ws: WebSocket,
    ping_interval: Option<i32>,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _ping: Closure<dyn FnMut()>,
}

impl Drop for LiveSocket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        if let (Some(id), Some(window)) = (self.ping_interval, web_sys::window()) {
            window.clear_interval_with_handle(id);
        }
        let _ = self.ws.close();
    }
}

impl AgentSocket {
    pub fn start(&self, desk: Desk) {
        {
            let mut inner = self.inner.borrow_mut();
            inner.running = true;
            inner.attempt = 0;
            inner.opened_before = false;
        }
        desk.link.set(Link::Connecting);
        self.connect(desk);
    }

    pub fn stop(&self) {
        let live = {
            let mut inner = self.inner.borrow_mut();
            inner.running = false;
            if let Some(retry) = inner.retry.take() {
                retry.clear();
            }
            inner.live.take()
        };
        // `stop` may run inside one of the socket's own callbacks: drop it afterwards.
        if let Some(live) = live {
            set_timeout(move || drop(live), Duration::ZERO);
        }
    }

    /// Sends a frame if the socket is open; returns whether it went out. Callers keep
    /// anything that must arrive (the outbox) and send it again on reconnect.
    pub fn send(&self, frame: &AgentFrame) -> bool {
        let inner = self.inner.borrow();
        let Some(live) = inner
            .live
            .as_ref()
            .filter(|l| l.ws.ready_state() == WebSocket::OPEN)
        else {
            return false;
        };
        match serde_json::to_string(frame) {
            Ok(text) => live.ws.send_with_str(&text).is_ok(),
            Err(_) => false,
        }
    }

    fn connect(&self, desk: Desk) {
        if !self.inner.borrow().running {
            return;
        }
        let Some(url) = session::access_token(desk).and_then(|token| socket_url(&token)) else {
            return;
        };
        let old = self.inner.borrow_mut().live.take();
        drop(old);
        match self.open_socket(desk, &url) {
            Ok(live) => self.inner.borrow_mut().live = Some(live),
            Err(_) => self.schedule_reconnect(desk, None, false),
        }
    }

    fn open_socket(&self, desk: Desk, url: &str) -> Result<LiveSocket, wasm_bindgen::JsValue> {
        let ws = WebSocket::new(url)?;
        let opened = Rc::new(Cell::new(false));

        let on_open = {
            let (this, opened) = (self.clone(), opened.clone());
            Closure::<dyn FnMut()>::new(move || {
                opened.set(true);
                this.on_open(desk);
            })
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            match serde_json::from_str::<ServerFrame>(&text) {
                Ok(frame) => desk.on_frame(frame),
                Err(e) => {
                    web_sys::console::warn_1(&format!("Livedesk: unreadable frame: {e}").into())
                }
            }
        });
        let on_close = {
            let this = self.clone();
            Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
                this.schedule_reconnect(desk, Some(event.code()), opened.get());
            })
        };
        let ping = {
            let this = self.clone();
            Closure::<dyn FnMut()>::new(move || {
                this.send(&AgentFrame::Ping {});
            })
        };
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let ping_interval = web_sys::window().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                ping.as_ref().unchecked_ref(),
                PING_EVERY_MS,
            )
            .ok()
        });
        Ok(LiveSocket {
            ws,
            ping_interval,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _ping: ping,
        })
    }

    fn on_open(&self, desk: Desk) {
        let reconnected = {
            let mut inner = self.inner.borrow_mut();
            inner.attempt = 0;
            std::mem::replace(&mut inner.opened_before, true)
        };
        desk.link.set(Link::Online);
        desk.on_connected(reconnected);
    }

    /// After a close (or a failed open): wait, refresh the token if it is the likely cause,
    /// and connect again.
    fn schedule_reconnect(&self, desk: Desk, code: Option<u16>, was_open: bool) {
        let attempt = {
            let mut inner = self.inner.borrow_mut();
            if !inner.running {
                return;
            }
            inner.attempt += 1;
            inner.attempt
        };
        desk.link.set(Link::Reconnecting);
        // A socket refused during the handshake (an expired token is answered with HTTP
        // 401) closes with 1006 before opening, so repeated early failures refresh too.
        let refresh_first = code == Some(close_code::UNAUTHORIZED)
            || (!was_open && attempt >= 2)
            || session::access_expires_within(desk, TOKEN_MARGIN_MS);
        let this = self.clone();
        let retry = set_timeout_with_handle(
            move || {
                spawn_local(async move {
                    if refresh_first && session::refresh(desk).await == Err(RefreshError::Rejected)
                    {
                        return;
                    }
                    this.connect(desk);
                });
            },
            backoff(attempt),
        )
        .ok();
        let old = std::mem::replace(&mut self.inner.borrow_mut().retry, retry);
        if let Some(old) = old {
            old.clear();
        }
    }
}

/// `min(1 s · 2^(attempt-1), 15 s)` plus up to a second of jitter, so a restarted server
/// is not hit by every dashboard at the same instant.
fn backoff(attempt: u32) -> Duration {
    let base = (1000.0 * 2f64.powi(attempt.saturating_sub(1).min(16) as i32)).min(BACKOFF_MAX_MS);
    Duration::from_millis((base + js_sys::Math::random() * BACKOFF_JITTER_MS) as u64)
}

/// `ws(s)://<this origin>/ws/agent?access_token=…`
fn socket_url(token: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss:"
    } else {
        "ws:"
    };
    let host = location.host().ok()?;
    let token: String = js_sys::encode_uri_component(token).into();
    Some(format!("{scheme}//{host}/ws/agent?access_token={token}"))
}
