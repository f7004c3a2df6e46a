//! How a site routes new chats (`routing_settings`; defaults when the site has no row).

use std::time::Duration;

use livedesk_protocol::ids::SiteId;
use sqlx::PgPool;

use crate::error::{AppError, AppResult};
use crate::routing::Strategy;

#[derive(Clone, Copy, Debug)]
pub struct RoutingSettings {
    pub strategy: Strategy,
    pub auto_assign: bool,
    /// How long an agent may be disconnected before their open chats go to someone else.
    pub reconnect_grace: Duration,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            strategy: Strategy::LeastBusy,
            auto_assign: true,
            reconnect_grace: Duration::from_secs(60),
        }
    }
}

pub async fn load(db: &PgPool, site: SiteId) -> AppResult<RoutingSettings> {
    let row = sqlx::query!(
        "SELECT strategy, auto_assign, reconnect_grace_secs FROM routing_settings WHERE site_id = $1",
        site.0
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(RoutingSettings::default());
    };
    let strategy = serde_json::from_value(serde_json::Value::String(row.strategy.clone()))
        .map_err(|_| {
            AppError::Other(anyhow::anyhow!(
                "site {site} has an unknown routing strategy {:?}",
                row.strategy
            ))
        })?;
    Ok(RoutingSettings {
        strategy,
        auto_assign: row.auto_assign,
        reconnect_grace: Duration::from_secs(u64::try_from(row.reconnect_grace_secs).unwrap_or(60)),
    })
}

/// Stores a site's settings (used by the admin console and tests).
pub async fn save(db: &PgPool, site: SiteId, settings: RoutingSettings) -> AppResult<()> {
    let strategy =
        serde_json::to_value(settings.strategy).map_err(|e| AppError::Other(e.into()))?;
    let strategy = strategy.as_str().unwrap_or("least_busy").to_owned();
    sqlx::query!(
        "INSERT INTO routing_settings (site_id, strategy, auto_assign, reconnect_grace_secs) VALUES ($1, $2, $3, $4)
         ON CONFLICT (site_id) DO UPDATE SET strategy = EXCLUDED.strategy, auto_assign = EXCLUDED.auto_assign,
                                             reconnect_grace_secs = EXCLUDED.reconnect_grace_secs",
        site.0,
        strategy,
        settings.auto_assign,
        i32::try_from(settings.reconnect_grace.as_secs()).unwrap_or(60)
    )
    .execute(db)
    .await?;
    Ok(())
}
