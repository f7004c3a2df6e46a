//! Typed identifiers: a `ConversationId` cannot be passed where a `SiteId` is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    )*};
}

id_type!(
    /// A site (tenant): one website that embeds the widget.
    SiteId,
    /// An agent, admin or superadmin account.
    AgentId,
    /// A visitor of one site, kept across page loads by the visitor token.
    VisitorId,
    /// One conversation between a visitor and the site's agents.
    ConversationId,
    /// One stored message.
    MessageId,
    /// The id a client gives a state-changing frame, so a retry is stored once.
    ClientId,
    /// A department of one site (Sales, Technical Support, Accounting …).
    DepartmentId,
    /// One voice or video call between a visitor and an agent, in one conversation.
    CallId,
    /// A canned response of one site (`/thanks` and its text).
    CannedResponseId,
    /// A tag of one site's managed tag list.
    SiteTagId,
    /// An invitation to join a site's team.
    InviteId,
);
