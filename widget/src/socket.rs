//! The visitor's WebSocket: frames in and out as protocol types, a keep-alive ping, and
//! the delay before the next attempt when it drops.

use livedesk_protocol::frames::VisitorFrame;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::dom::Timer;
use crate::wire::{self, Incoming};

/// How often the client pings an open socket, in milliseconds.
const PING_EVERY_MS: u32 = 25_000;
/// Reconnect delays double from the first to the last, in milliseconds.
const FIRST_RETRY_MS: f64 = 1_000.0;
const LAST_RETRY_MS: f64 = 15_000.0;

pub enum SocketEvent {
    /// A frame, read and as parsed (the loader gets messages as the server wrote them).
    Frame(Incoming, JsValue),
    /// The socket closed (or never opened) with this close code.
    Closed { code: u16 },
}

/// One connection attempt. Dropping it closes the socket without reporting `Closed`.
pub struct Socket {
    ws: WebSocket,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _ping: Option<Timer>,
}

impl Socket {
    pub fn connect(url: &str, on_event: impl Fn(SocketEvent) + 'static) -> Result<Self, JsValue> {
        let ws = WebSocket::new(url)?;
        let on_event = std::rc::Rc::new(on_event);

        let handler = on_event.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let parsed = js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL);
            match wire::incoming(&parsed) {
                Incoming::Unknown => log(&format!("unexpected frame: {text}")),
                frame => handler(SocketEvent::Frame(frame, parsed)),
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            on_event(SocketEvent::Closed { code: event.code() });
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));

        let pinger = ws.clone();
        let ping = Timer::every(PING_EVERY_MS, move || {
            if pinger.ready_state() == WebSocket::OPEN {
                let _ = pinger.send_with_str(r#"{"t":"ping"}"#);
            }
        });
        Ok(Self {
            ws,
            _on_message: on_message,
            _on_close: on_close,
            _ping: ping,
        })
    }

    pub fn send(&self, frame: &VisitorFrame) {
        match serde_json::to_string(frame) {
            Ok(text) => {
                if self.ws.send_with_str(&text).is_err() {
                    log("send failed");
                }
            }
            Err(_) => log("unserialisable frame"),
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// The delay before reconnect attempt `attempt` (0 for the first), in milliseconds:
/// 1 s, 2 s, 4 s … up to 15 s, each spread by ±25 % with `jitter` in [0, 1) so that the
/// visitors of a restarting node do not all come back at the same moment.
pub fn retry_delay_ms(attempt: u32, jitter: f64) -> u32 {
    let base = (FIRST_RETRY_MS * 2f64.powi(attempt.min(16) as i32)).min(LAST_RETRY_MS);
    let spread = base * (0.75 + 0.5 * jitter.clamp(0.0, 1.0));
    spread.min(LAST_RETRY_MS) as u32
}

pub fn log(text: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&format!("[livedesk] {text}")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnect_delays_double_up_to_fifteen_seconds() {
        let middle: Vec<u32> = (0..6).map(|attempt| retry_delay_ms(attempt, 0.5)).collect();
        assert_eq!(middle, [1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
        assert_eq!(retry_delay_ms(0, 0.0), 750);
        assert_eq!(retry_delay_ms(0, 0.999_999), 1_249);
        assert_eq!(retry_delay_ms(40, 0.999_999), 15_000);
    }
}
