//! What a visitor's socket tells the site's agents about the visitor (presence, page,
//! activity), and the site status a new visitor socket is given.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::{SiteId, VisitorId};
use livedesk_protocol::status::SiteStatus;
use livedesk_protocol::visitors::{PageView, VisitorActivity, VisitorPresence};
use uuid::Uuid;

use super::link::{Gone, Link};
use crate::sites::{self, live_status, origin};
use crate::state::AppState;
use crate::visitors::history;

/// One visitor socket, as the presence store knows it.
#[derive(Clone, Copy)]
pub struct VisitorSocket {
    pub site: SiteId,
    pub visitor: VisitorId,
    /// This socket's member in the visitor's socket set.
    pub id: Uuid,
}

impl VisitorSocket {
    /// The socket is alive (on connect and every tick).
    pub async fn heartbeat(self, state: &AppState) {
        let change = state
            .visitors
            .heartbeat(self.site, self.visitor, self.id)
            .await;
        self.tell_agents(state, change).await;
    }

    /// The socket closed.
    pub async fn closed(self, state: &AppState) {
        let change = state
            .visitors
            .disconnect(self.site, self.visitor, self.id)
            .await;
        self.tell_agents(state, change).await;
    }

    /// A `page` frame: checked first, so a bad one changes nothing.
    pub async fn page(
        self,
        state: &AppState,
        link: &mut Link,
        url: &str,
        title: &str,
    ) -> Result<(), Gone> {
        let page = match PageView::parse(url, title) {
            Ok(page) => page,
            Err(error) => {
                return link
                    .error(None, ErrorCode::InvalidInput, error.to_string())
                    .await;
            }
        };
        match sites::allowed_origins(&state.db, self.site).await {
            Ok(allowed) if origin::is_allowed_page(&allowed, &page.url) => {}
            Ok(_) => {
                let refusal = "the page is not on one of the site's allowed origins";
                return link.error(None, ErrorCode::InvalidInput, refusal).await;
            }
            Err(error) => return link.failed(None, error.into()).await,
        }
        match state
            .visitors
            .page(self.site, self.visitor, self.id, &page)
            .await
        {
            Ok(change) => {
                // Recorded before the agents hear of the page, so a panel that reads the
                // history then lists it. The page is current without it: a failure is logged.
                if let Err(error) = history::record(&state.db, self.visitor, &page).await {
                    tracing::warn!(%error, visitor = %self.visitor, "recording a visited page failed");
                }
                self.tell_agents(state, Ok(change)).await;
                Ok(())
            }
            Err(error) => link.failed(None, error.into()).await,
        }
    }

    /// An `activity` frame.
    pub async fn activity(
        self,
        state: &AppState,
        link: &mut Link,
        activity: VisitorActivity,
    ) -> Result<(), Gone> {
        match state
            .visitors
            .activity(self.site, self.visitor, self.id, activity)
            .await
        {
            Ok(change) => {
                self.tell_agents(state, Ok(change)).await;
                Ok(())
            }
            Err(error) => link.failed(None, error.into()).await,
        }
    }

    /// The site's status for this new socket (sent right after the hello). When it cannot
    /// be computed the failure is counted and logged and the socket carries on without:
    /// the next recheck pushes it.
    pub async fn status(self, state: &AppState) -> Option<SiteStatus> {
        match live_status::for_new_widget(state, self.site).await {
            Ok(status) => {
                state.hub.remember_status(self.site, &status);
                Some(status)
            }
            Err(error) => {
                metrics::counter!("livedesk_site_status_failures_total").increment(1);
                tracing::error!(site = %self.site, ?error, "computing a site's status for a new widget failed");
                None
            }
        }
    }

    async fn tell_agents(
        self,
        state: &AppState,
        change: Result<Option<VisitorPresence>, fred::error::Error>,
    ) {
        match change {
            Ok(Some(presence)) => state.visitor_news.post(self.site, presence),
            Ok(None) => {}
            Err(error) => {
                metrics::counter!("livedesk_presence_failures_total").increment(1);
                tracing::error!(%error, visitor = %self.visitor, "updating visitor presence failed");
            }
        }
    }
}
