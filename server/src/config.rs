//! Configuration from environment variables. A missing or invalid setting stops start-up
//! with a message naming it.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

#[derive(Clone, Debug)]
pub struct Config {
    /// Address the HTTP server binds to (`LIVEDESK_BIND`).
    pub bind: SocketAddr,
    /// The origin browsers reach this installation at (`LIVEDESK_PUBLIC_URL`); the widget
    /// frame and the dashboard are served from it.
    pub public_url: Url,
    pub database_url: SecretString,
    pub redis_url: SecretString,
    /// Signs agent access tokens and visitor tokens (`LIVEDESK_JWT_SECRET`, ≥ 32 bytes).
    pub jwt_secret: SecretString,
    /// Built widget and dashboard files (`LIVEDESK_WEB_DIR`).
    pub web_dir: PathBuf,
    /// Where uploaded files are kept, under `uploads/<site id>/` (`LIVEDESK_DATA_DIR`).
    pub data_dir: PathBuf,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub visitor_token_ttl: Duration,
    /// Name of this node in logs and metrics (`LIVEDESK_NODE_ID`).
    pub node_id: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`LIVEDESK_TRUSTED_PROXIES`,
    /// comma-separated IPs).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Multiplies every per-client-IP rate limit, burst and refill rate alike
    /// (`LIVEDESK_RATE_LIMIT_FACTOR`, default 1): for installations where many real
    /// visitors share one address, and for load tests that open tens of thousands of
    /// sessions from a handful of local addresses.
    pub rate_limit_factor: NonZeroU32,
    /// Ring and queue timeouts, and where clients find STUN and TURN.
    pub calls: CallSettings,
}

/// Calls: how long they ring, and the ICE servers handed to clients.
#[derive(Clone, Debug)]
pub struct CallSettings {
    /// How long a call rings before it is missed (`LIVEDESK_CALL_RING_TIMEOUT_SECS`, default
    /// 30).
    pub ring_timeout: Duration,
    /// How long a call waits in the call queue before it is missed
    /// (`LIVEDESK_CALL_QUEUE_TIMEOUT_SECS`, default 120).
    pub queue_timeout: Duration,
    /// STUN servers handed to clients (`LIVEDESK_STUN_URLS`, comma-separated `stun:` URLs).
    pub stun_urls: Vec<String>,
    /// TURN servers handed to clients with short-lived credentials (`LIVEDESK_TURN_URLS`,
    /// comma-separated `turn:`/`turns:` URLs, e.g. coturn's).
    pub turn_urls: Vec<String>,
    /// The secret shared with the TURN server (`LIVEDESK_TURN_SECRET`; coturn's
    /// `static-auth-secret`). Required with TURN URLs or the embedded server.
    pub turn_secret: Option<SecretString>,
    /// How long a TURN credential works (`LIVEDESK_TURN_TTL_SECS`, default 3600).
    pub turn_ttl: Duration,
    /// Runs the embedded STUN/TURN server on this UDP address (`LIVEDESK_TURN_EMBEDDED`,
    /// e.g. `0.0.0.0:3478`; unset: off). Its URLs are added to the ones above.
    pub embedded_turn: Option<SocketAddr>,
    /// The address clients reach the embedded server and its relays at
    /// (`LIVEDESK_TURN_PUBLIC_IP`, default: the public URL's host if it is an IP, else
    /// the bind address).
    pub turn_public_ip: Option<std::net::IpAddr>,
    /// The TURN realm (`LIVEDESK_TURN_REALM`, default `livedesk`).
    pub turn_realm: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not set: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Where settings come from; a function so tests can build a [`Config`] from a map.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct Env;

impl Source for Env {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(src: &dyn Source) -> Result<Self, ConfigError> {
        let bind = parse(src, "LIVEDESK_BIND", "127.0.0.1:8080", |v| {
            v.parse::<SocketAddr>()
        })?;
        let public_url = match src.get("LIVEDESK_PUBLIC_URL") {
            Some(v) => parse_public_url(&v)?,
            None => parse_public_url(&format!("http://{bind}"))?,
        };
        let database_url = required_url(src, "DATABASE_URL", &["postgres", "postgresql"])?;
        let redis_url = required_url(src, "REDIS_URL", &["redis", "rediss"])?;
        let jwt_secret = src.get("LIVEDESK_JWT_SECRET").ok_or(ConfigError::Missing {
            name: "LIVEDESK_JWT_SECRET",
            hint: "set it to a random string of at least 32 characters",
        })?;
        if jwt_secret.len() < 32 {
            return Err(ConfigError::Invalid {
                name: "LIVEDESK_JWT_SECRET",
                reason: "must be at least 32 characters".into(),
            });
        }
        let web_dir = PathBuf::from(
            src.get("LIVEDESK_WEB_DIR")
                .unwrap_or_else(|| "target/web".into()),
        );
        let data_dir = PathBuf::from(
            src.get("LIVEDESK_DATA_DIR")
                .unwrap_or_else(|| ".livedesk/data".into()),
        );
        Ok(Self {
            bind,
            public_url,
            data_dir,
            database_url: database_url.into(),
            redis_url: redis_url.into(),
            jwt_secret: jwt_secret.into(),
            web_dir,
            access_token_ttl: Duration::from_secs(parse(
                src,
                "LIVEDESK_ACCESS_TOKEN_TTL_SECS",
                "900",
                |v| v.parse::<u64>(),
            )?),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            visitor_token_ttl: Duration::from_secs(365 * 24 * 3600),
            trusted_proxies: parse(src, "LIVEDESK_TRUSTED_PROXIES", "", |v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::parse)
                    .collect::<Result<Vec<_>, _>>()
            })?,
            rate_limit_factor: parse(src, "LIVEDESK_RATE_LIMIT_FACTOR", "1", |v| {
                v.parse::<NonZeroU32>()
            })?,
            node_id: src
                .get("LIVEDESK_NODE_ID")
                .unwrap_or_else(|| format!("node-{}", std::process::id())),
            calls: CallSettings::from_source(src)?,
        })
    }

    /// The public origin (`scheme://host[:port]`), as browsers send it in `Origin`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    pub fn jwt_secret_bytes(&self) -> &[u8] {
        self.jwt_secret.expose_secret().as_bytes()
    }
}

impl CallSettings {
    fn from_source(src: &dyn Source) -> Result<Self, ConfigError> {
        let secs = |name: &'static str, default: &str| {
            parse(src, name, default, |v| match v.parse::<u64>() {
                Ok(0) => Err("must be at least 1".to_owned()),
                Ok(secs) => Ok(Duration::from_secs(secs)),
                Err(e) => Err(e.to_string()),
            })
        };
        let urls = |name: &'static str, schemes: &'static [&'static str]| {
            parse(src, name, "", |v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .map(|u| match u.split_once(':') {
                        Some((scheme, rest)) if schemes.contains(&scheme) && !rest.is_empty() => {
                            Ok(u.to_owned())
                        }
                        _ => Err(format!("{u:?} is not a {} URL", schemes.join(":/") + ":")),
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
        };
        let settings = Self {
            ring_timeout: secs("LIVEDESK_CALL_RING_TIMEOUT_SECS", "30")?,
            queue_timeout: secs("LIVEDESK_CALL_QUEUE_TIMEOUT_SECS", "120")?,
            stun_urls: urls("LIVEDESK_STUN_URLS", &["stun", "stuns"])?,
            turn_urls: urls("LIVEDESK_TURN_URLS", &["turn", "turns"])?,
            turn_secret: src.get("LIVEDESK_TURN_SECRET").map(SecretString::from),
            turn_ttl: secs("LIVEDESK_TURN_TTL_SECS", "3600")?,
            embedded_turn: match src.get("LIVEDESK_TURN_EMBEDDED") {
                Some(_) => Some(parse(src, "LIVEDESK_TURN_EMBEDDED", "", |v| {
                    v.parse::<SocketAddr>()
                })?),
                None => None,
            },
            turn_public_ip: match src.get("LIVEDESK_TURN_PUBLIC_IP") {
                Some(_) => Some(parse(src, "LIVEDESK_TURN_PUBLIC_IP", "", |v| {
                    v.parse::<std::net::IpAddr>()
                })?),
                None => None,
            },
            turn_realm: src
                .get("LIVEDESK_TURN_REALM")
                .unwrap_or_else(|| "livedesk".into()),
        };
        let needs_secret = !settings.turn_urls.is_empty() || settings.embedded_turn.is_some();
        if needs_secret && settings.turn_secret.is_none() {
            return Err(ConfigError::Missing {
                name: "LIVEDESK_TURN_SECRET",
                hint: "TURN needs the secret it shares with the server (coturn's static-auth-secret)",
            });
        }
        if settings
            .turn_secret
            .as_ref()
            .is_some_and(|s| s.expose_secret().len() < 16)
        {
            return Err(ConfigError::Invalid {
                name: "LIVEDESK_TURN_SECRET",
                reason: "must be at least 16 characters".into(),
            });
        }
        Ok(settings)
    }
}

fn parse<T, E: std::fmt::Display>(
    src: &dyn Source,
    name: &'static str,
    default: &str,
    f: impl Fn(&str) -> Result<T, E>,
) -> Result<T, ConfigError> {
    let raw = src.get(name).unwrap_or_else(|| default.to_owned());
    f(&raw).map_err(|e| ConfigError::Invalid {
        name,
        reason: format!("{raw:?}: {e}"),
    })
}

fn required_url(
    src: &dyn Source,
    name: &'static str,
    schemes: &[&str],
) -> Result<String, ConfigError> {
    let raw = src.get(name).ok_or(ConfigError::Missing {
        name,
        hint: "see the Configuration section of the README",
    })?;
    let url = Url::parse(&raw).map_err(|e| ConfigError::Invalid {
        name,
        reason: e.to_string(),
    })?;
    if !schemes.contains(&url.scheme()) {
        return Err(ConfigError::Invalid {
            name,
            reason: format!("scheme must be one of {schemes:?}, not {:?}", url.scheme()),
        });
    }
    Ok(raw)
}

fn parse_public_url(raw: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        name: "LIVEDESK_PUBLIC_URL",
        reason,
    };
    let url = Url::parse(raw).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid(format!("{raw:?} is not an http(s) URL")));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, &'static str>);
    impl Source for Map {
        fn get(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| v.to_string())
        }
    }

    fn valid() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("DATABASE_URL", "postgres://localhost/livedesk"),
            ("REDIS_URL", "redis://127.0.0.1:6379"),
            ("LIVEDESK_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ])
    }

    #[test]
    fn valid_settings_get_defaults() {
        let config = Config::from_source(&Map(valid())).expect("valid");
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_origin(), "http://127.0.0.1:8080");
        assert_eq!(config.rate_limit_factor.get(), 1);
        assert_eq!(config.calls.ring_timeout, Duration::from_secs(30));
        assert!(config.calls.turn_urls.is_empty() && config.calls.embedded_turn.is_none());
    }

    #[test]
    fn turn_needs_its_secret() {
        let mut env = valid();
        env.insert(
            "LIVEDESK_TURN_URLS",
            "turn:turn.example.com:3478?transport=udp",
        );
        let err = Config::from_source(&Map(env.clone())).expect_err("no secret");
        assert!(err.to_string().starts_with("LIVEDESK_TURN_SECRET"), "{err}");
        env.insert("LIVEDESK_TURN_SECRET", "a-long-enough-secret");
        let config = Config::from_source(&Map(env)).expect("valid");
        assert_eq!(config.calls.turn_urls.len(), 1);
    }

    #[test]
    fn errors_name_the_setting() {
        let cases: [(&str, Option<&'static str>); 10] = [
            ("DATABASE_URL", None),
            ("DATABASE_URL", Some("mysql://x/y")),
            ("REDIS_URL", Some("not a url")),
            ("LIVEDESK_JWT_SECRET", Some("short")),
            ("LIVEDESK_BIND", Some("localhost")),
            ("LIVEDESK_RATE_LIMIT_FACTOR", Some("0")),
            ("LIVEDESK_CALL_RING_TIMEOUT_SECS", Some("0")),
            ("LIVEDESK_TURN_URLS", Some("http://turn.example.com")),
            ("LIVEDESK_TURN_SECRET", Some("short")),
            ("LIVEDESK_TURN_EMBEDDED", Some("3478")),
        ];
        for (name, value) in cases {
            let mut env = valid();
            match value {
                Some(v) => env.insert(name, v),
                None => env.remove(name),
            };
            let err = Config::from_source(&Map(env)).expect_err(name).to_string();
            assert!(err.starts_with(name), "{err}");
        }
    }
}
