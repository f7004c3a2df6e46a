//! The site's offline messages in the desk: fetched after sign-in and after each socket
//! reconnect (frames sent while the socket was down are not replayed), kept current by
//! `offline_message` frames, and marked handled or reopened over REST.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::widget::{OfflineHandledRequest, OfflineMessage};
use uuid::Uuid;

use crate::desk::{Desk, Load};
use crate::model::offline;
use crate::session;

#[derive(Clone, Copy)]
pub struct OfflineMessages {
    /// Waiting ones first, then handled ones, each newest first ([`offline::apply`]).
    pub list: RwSignal<Vec<OfflineMessage>>,
    pub load: RwSignal<Load>,
    /// While a fetch is in flight, the frames that arrived since it started: its answer may
    /// predate them, so they are applied again on top of it (each frame is a message's
    /// whole state, so applying them in order ends at the newest). `None` when no fetch
    /// is in flight.
    arrived: StoredValue<Option<Vec<OfflineMessage>>>,
}

impl OfflineMessages {
    pub fn new() -> Self {
        Self {
            list: RwSignal::new(Vec::new()),
            load: RwSignal::new(Load::Loading),
            arrived: StoredValue::new(None),
        }
    }

    /// How many messages wait for an agent (the count beside the nav link).
    pub fn waiting(self) -> usize {
        self.list.with(|list| offline::waiting(list))
    }

    /// An `offline_message` frame: the message's current state.
    pub(crate) fn on_frame(self, message: OfflineMessage) {
        self.arrived.update_value(|arrived| {
            if let Some(arrived) = arrived {
                arrived.push(message.clone());
            }
        });
        self.list.update(|list| offline::apply(list, message));
    }

    pub(crate) fn clear(self) {
        self.list.set(Vec::new());
        self.load.set(Load::Loading);
        self.arrived.set_value(None);
    }
}

impl Default for OfflineMessages {
    fn default() -> Self {
        Self::new()
    }
}

impl Desk {
    /// Fetches the site's offline messages; one fetch at a time.
    pub fn reload_offline(self) {
        let offline = self.offline;
        if offline.arrived.with_value(Option::is_some) {
            return;
        }
        offline.arrived.set_value(Some(Vec::new()));
        if offline.load.get_untracked() != Load::Ready {
            offline.load.set(Load::Loading);
        }
        spawn_local(async move {
            let result = session::authorized(self, |token| async move {
                crate::api::offline_messages(&token).await
            })
            .await;
            let arrived = offline.arrived.try_update_value(Option::take).flatten();
            match result {
                Ok(fetched) => {
                    offline.list.update(|list| {
                        offline::replace(list, fetched);
                        for message in arrived.into_iter().flatten() {
                            offline::apply(list, message);
                        }
                    });
                    offline.load.set(Load::Ready);
                }
                // Keep showing what we have; only an empty page turns into an error.
                Err(failure) if offline.list.with_untracked(Vec::is_empty) => {
                    offline.load.set(Load::Failed(failure.message()));
                }
                Err(failure) => self.notify(
                    format!(
                        "The offline messages could not be fetched: {}",
                        failure.message()
                    ),
                    true,
                ),
            }
        });
    }

    /// Marks an offline message handled by this agent or (`false`) reopens it. Resolves
    /// once the server answered; a refusal is shown as a notice.
    pub async fn set_offline_handled(self, id: Uuid, handled: bool) {
        let path = format!("/api/v1/site/offline-messages/{id}/handled");
        let body = OfflineHandledRequest { handled };
        let result = session::authorized(self, |token| {
            let path = path.clone();
            async move { crate::api::write(&token, "PUT", &path, &body).await }
        })
        .await;
        match result {
            Ok(message) => self.offline.on_frame(message),
            Err(failure) => {
                let action = if handled {
                    "marked handled"
                } else {
                    "reopened"
                };
                self.notify(
                    format!("The message could not be {action}: {}", failure.message()),
                    true,
                );
            }
        }
    }
}
