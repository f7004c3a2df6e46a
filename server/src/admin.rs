//! Operator commands: create sites and accounts, and set up the demo.

use livedesk_protocol::api::Role;
use livedesk_protocol::ids::{AgentId, SiteId};
use sqlx::PgPool;

use crate::auth::{DbRole, password};
use crate::sites::{new_site_key, origin};

pub struct NewSite {
    pub id: SiteId,
    pub site_key: String,
}

pub async fn create_site(db: &PgPool, name: &str, origins: &[String]) -> anyhow::Result<NewSite> {
    let origins = normalize_origins(origins)?;
    let id = SiteId::new_random();
    let site_key = new_site_key();
    sqlx::query!(
        "INSERT INTO sites (id, name, site_key, allowed_origins) VALUES ($1, $2, $3, $4)",
        id.0,
        name,
        site_key,
        &origins
    )
    .execute(db)
    .await?;
    Ok(NewSite { id, site_key })
}

pub struct NewAgent<'a> {
    pub site: Option<SiteId>,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password: &'a str,
}

pub async fn create_agent(db: &PgPool, agent: NewAgent<'_>) -> anyhow::Result<AgentId> {
    if (agent.role == Role::Superadmin) != agent.site.is_none() {
        anyhow::bail!("a superadmin belongs to no site; admins and agents belong to exactly one");
    }
    if !agent.email.contains('@') {
        anyhow::bail!("{:?} is not an e-mail address", agent.email);
    }
    if agent.password.chars().count() < password::MIN_PASSWORD_CHARS {
        anyhow::bail!(
            "the password must have at least {} characters",
            password::MIN_PASSWORD_CHARS
        );
    }
    let id = AgentId::new_random();
    let hash = password::hash(agent.password)?;
    sqlx::query!(
        "INSERT INTO agents (id, site_id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5, $6)",
        id.0,
        agent.site.map(|s| s.0),
        agent.email.trim(),
        agent.name.trim(),
        hash,
        DbRole::from(agent.role) as DbRole
    )
    .execute(db)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => anyhow::anyhow!("an account with e-mail {} exists", agent.email),
        _ => e.into(),
    })?;
    Ok(id)
}

pub const DEMO_SITE_NAME: &str = "Livedesk demo";
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.livedesk.local";

pub struct Demo {
    pub site_key: String,
    pub admin_email: &'static str,
    pub admin_password: String,
}

/// Creates the demo site and its admin, or brings them up to date: `origin` is allowed to
/// embed the widget, and the admin gets a fresh password (printed by the caller).
pub async fn demo_setup(db: &PgPool, origin_of_demo_page: &str) -> anyhow::Result<Demo> {
    let page_origin = normalize_origins(&[origin_of_demo_page.to_owned()])?.remove(0);
    let mut tx = db.begin().await?;
    let existing = sqlx::query!(
        "SELECT id, site_key FROM sites WHERE name = $1 ORDER BY created_at LIMIT 1",
        DEMO_SITE_NAME
    )
    .fetch_optional(&mut *tx)
    .await?;
    let (site_id, site_key) = match existing {
        Some(site) => {
            sqlx::query!(
                "UPDATE sites SET allowed_origins = array_append(array_remove(allowed_origins, $2), $2), suspended = false WHERE id = $1",
                site.id,
                page_origin
            )
            .execute(&mut *tx)
            .await?;
            (SiteId(site.id), site.site_key)
        }
        None => {
            tx.commit().await?;
            let site = create_site(db, DEMO_SITE_NAME, &[page_origin]).await?;
            tx = db.begin().await?;
            (site.id, site.site_key)
        }
    };
    let admin_password = new_password();
    let hash = password::hash(&admin_password)?;
    let updated = sqlx::query!(
        "UPDATE agents SET password_hash = $2, active = true WHERE lower(email) = lower($1) AND site_id = $3",
        DEMO_ADMIN_EMAIL,
        hash,
        site_id.0
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if updated.rows_affected() == 0 {
        create_agent(
            db,
            NewAgent {
                site: Some(site_id),
                email: DEMO_ADMIN_EMAIL,
                name: "Demo Admin",
                role: Role::Admin,
                password: &admin_password,
            },
        )
        .await?;
    }
    Ok(Demo {
        site_key,
        admin_email: DEMO_ADMIN_EMAIL,
        admin_password,
    })
}

/// A random password for generated accounts: 20 characters from an unambiguous alphabet.
pub fn new_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn normalize_origins(origins: &[String]) -> anyhow::Result<Vec<String>> {
    origins
        .iter()
        .map(|raw| {
            origin::normalize(raw).ok_or_else(|| {
                anyhow::anyhow!("{raw:?} is not an origin like https://shop.example.com")
            })
        })
        .collect()
}
