//! How a site routes new chats (`routing_settings`; defaults when the site has no row).

use std::time::Duration;

use livedesk_protocol::ids::{DepartmentId, SiteId};
use sqlx::PgPool;

use crate::error::{AppError, AppResult};
use crate::routing::Strategy;

#[derive(Clone, Copy, Debug)]
pub struct RoutingSettings {
    pub strategy: Strategy,
    pub auto_assign: bool,
    /// How long an agent may be disconnected before their open chats go to someone else.
    pub reconnect_grace: Duration,
    /// How long a visitor waits before the widget offers the offline form.
    pub queue_timeout: Duration,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            strategy: Strategy::LeastBusy,
            auto_assign: true,
            reconnect_grace: Duration::from_secs(60),
            queue_timeout: Duration::from_secs(300),
        }
    }
}

pub async fn load(db: &PgPool, site: SiteId) -> AppResult<RoutingSettings> {
    let row = sqlx::query!(
        "SELECT strategy, auto_assign, reconnect_grace_secs, queue_timeout_secs FROM routing_settings WHERE site_id = $1",
        site.0
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(RoutingSettings::default());
    };
    Ok(RoutingSettings {
        strategy: stored_strategy(&row.strategy)?,
        auto_assign: row.auto_assign,
        reconnect_grace: secs(row.reconnect_grace_secs),
        queue_timeout: secs(row.queue_timeout_secs),
    })
}

/// The strategy for a chat of `department`: the department's own, else the site's.
pub async fn strategy_for(
    db: &PgPool,
    site: SiteId,
    department: Option<DepartmentId>,
    site_strategy: Strategy,
) -> AppResult<Strategy> {
    let Some(department) = department else {
        return Ok(site_strategy);
    };
    let own = sqlx::query_scalar!(
        "SELECT strategy FROM departments WHERE site_id = $1 AND id = $2",
        site.0,
        department.0
    )
    .fetch_optional(db)
    .await?
    .flatten();
    match own {
        Some(own) => stored_strategy(&own),
        None => Ok(site_strategy),
    }
}

fn stored_strategy(raw: &str) -> AppResult<Strategy> {
    Strategy::from_stored(raw)
        .ok_or_else(|| AppError::Other(anyhow::anyhow!("unknown routing strategy {raw:?} stored")))
}

fn secs(stored: i32) -> Duration {
    Duration::from_secs(u64::try_from(stored).unwrap_or(0))
}

/// Stores a site's settings (used by the admin console and tests).
pub async fn save(db: &PgPool, site: SiteId, settings: RoutingSettings) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO routing_settings (site_id, strategy, auto_assign, reconnect_grace_secs, queue_timeout_secs)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (site_id) DO UPDATE SET strategy = EXCLUDED.strategy, auto_assign = EXCLUDED.auto_assign,
                                             reconnect_grace_secs = EXCLUDED.reconnect_grace_secs,
                                             queue_timeout_secs = EXCLUDED.queue_timeout_secs",
        site.0,
        settings.strategy.as_stored(),
        settings.auto_assign,
        i32::try_from(settings.reconnect_grace.as_secs()).unwrap_or(60),
        i32::try_from(settings.queue_timeout.as_secs()).unwrap_or(300)
    )
    .execute(db)
    .await?;
    Ok(())
}
