//! Sites (tenants): their public keys, allowed origins, visitor sessions, and the public
//! status pushed live to open widgets; the site's settings for its admins and the sites
//! list for superadmins.

pub mod live_status;
pub mod origin;
pub mod settings;
pub mod status;
pub mod superadmin;
pub mod visitor_session;

use livedesk_protocol::ids::SiteId;
use sqlx::PgExecutor;

#[derive(Clone, Debug)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub site_key: String,
    pub allowed_origins: Vec<String>,
}

/// The active (not suspended) site with this public key.
pub async fn find_active_by_key(
    db: impl PgExecutor<'_>,
    key: &str,
) -> Result<Option<Site>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, name, site_key, allowed_origins FROM sites WHERE site_key = $1 AND NOT suspended",
        key
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Site {
        id: SiteId(r.id),
        name: r.name,
        site_key: r.site_key,
        allowed_origins: r.allowed_origins,
    }))
}

/// The origins allowed to embed the widget of the site `id` (none for an unknown site).
pub async fn allowed_origins(
    db: impl PgExecutor<'_>,
    id: SiteId,
) -> Result<Vec<String>, sqlx::Error> {
    let origins = sqlx::query_scalar!("SELECT allowed_origins FROM sites WHERE id = $1", id.0)
        .fetch_optional(db)
        .await?;
    Ok(origins.unwrap_or_default())
}

/// A new random site key: 24 URL-safe characters, public but unguessable.
pub fn new_site_key() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..24)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}
