//! How a site routes new chats (`routing_settings`; defaults when the site has no row).

use livedesk_protocol::ids::SiteId;
use sqlx::PgPool;

use crate::error::{AppError, AppResult};
use crate::routing::Strategy;

#[derive(Clone, Copy, Debug)]
pub struct RoutingSettings {
    pub strategy: Strategy,
    pub auto_assign: bool,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            strategy: Strategy::LeastBusy,
            auto_assign: true,
        }
    }
}

pub async fn load(db: &PgPool, site: SiteId) -> AppResult<RoutingSettings> {
    let row = sqlx::query!(
        "SELECT strategy, auto_assign FROM routing_settings WHERE site_id = $1",
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
    })
}

/// Stores a site's settings (used by the admin console and tests).
pub async fn save(db: &PgPool, site: SiteId, settings: RoutingSettings) -> AppResult<()> {
    let strategy =
        serde_json::to_value(settings.strategy).map_err(|e| AppError::Other(e.into()))?;
    let strategy = strategy.as_str().unwrap_or("least_busy").to_owned();
    sqlx::query!(
        "INSERT INTO routing_settings (site_id, strategy, auto_assign) VALUES ($1, $2, $3)
         ON CONFLICT (site_id) DO UPDATE SET strategy = EXCLUDED.strategy, auto_assign = EXCLUDED.auto_assign",
        site.0,
        strategy,
        settings.auto_assign
    )
    .execute(db)
    .await?;
    Ok(())
}
