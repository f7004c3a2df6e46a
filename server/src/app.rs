//! Building the application from a [`Config`] and running it until shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use fred::interfaces::ClientLike;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::trace::TraceLayer;

use crate::auth::tokens::TokenKeys;
use crate::calls::ice::IceServers;
use crate::config::Config;
use crate::ops::rate_limit::ClientIp;
use crate::ops::{health, telemetry};
use crate::presence::Presence;
use crate::queue::Queue;
use crate::realtime::hub::Hub;
use crate::state::AppState;
use crate::visitors::VisitorTracker;
use crate::{
    agents, assignment, auth, calls, canned, chat, db, files, presence, realtime, sites, visitors,
    web, widget,
};
use livedesk_signaling::turn_server::TurnServer;

/// How long shutdown waits for open sockets to finish their current frame and close.
const SOCKET_DRAIN: Duration = Duration::from_secs(10);

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    /// The embedded STUN/TURN server, when the configuration switches it on.
    turn: Option<TurnServer>,
}

impl Application {
    /// Connects to PostgreSQL and Redis, applies migrations and binds the listener.
    /// With port 0 in `config.bind` the OS picks a free port; see [`Application::addr`].
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        telemetry::install_metrics();
        let db = db::connect(&config.database_url)
            .await
            .map_err(|e| anyhow::anyhow!("connecting to PostgreSQL (DATABASE_URL): {e}"))?;
        db::migrate(&db)
            .await
            .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
        let redis = redis_pool(config.redis_url.expose_secret()).await?;
        let hub = Hub::connect(redis.clone())
            .await
            .map_err(|e| anyhow::anyhow!("subscribing to Redis (REDIS_URL): {e}"))?;
        let tokens = Arc::new(TokenKeys::new(
            config.jwt_secret_bytes(),
            config.access_token_ttl,
            config.visitor_token_ttl,
        ));
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|e| anyhow::anyhow!("binding {} (LIVEDESK_BIND): {e}", config.bind))?;
        let mut config = config;
        if config.public_url.port() == Some(0) {
            // Bound to port 0 with no public URL set: the URL follows the port the OS chose.
            let _ = config
                .public_url
                .set_port(Some(listener.local_addr()?.port()));
        }
        let turn = calls::ice::start_embedded(&config).await?;
        let ice = Arc::new(IceServers::new(
            &config,
            turn.as_ref().map(TurnServer::addr),
        ));
        let state = AppState {
            ice,
            config: Arc::new(config),
            db,
            presence: Presence::new(redis.clone()),
            queue: Queue::new(redis.clone()),
            visitors: VisitorTracker::new(redis.clone()),
            visitor_news: Arc::new(visitors::outbox::PresenceOutbox::default()),
            redis,
            hub,
            tokens,
            shutdown: CancellationToken::new(),
            sockets: TaskTracker::new(),
        };
        tokio::spawn(assignment::grace::sweep_forever(state.clone()));
        tokio::spawn(assignment::upkeep::upkeep_forever(state.clone()));
        tokio::spawn(visitors::sweep::sweep_forever(state.clone()));
        tokio::spawn(visitors::outbox::flush_forever(state.clone()));
        tokio::spawn(sites::live_status::watch_forever(state.clone()));
        tokio::spawn(calls::sweep::sweep_forever(state.clone()));
        let router = routes(&state);
        Ok(Self {
            listener,
            router,
            state,
            turn,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.config.bind)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `stop` is cancelled, then tells every socket to reconnect elsewhere,
    /// waits for them to close, and returns.
    pub async fn run_until_stopped(self, stop: CancellationToken) -> anyhow::Result<()> {
        let Self {
            listener,
            router,
            state,
            turn,
        } = self;
        tracing::info!(addr = %listener.local_addr()?, node = %state.config.node_id, "livedesk is serving");
        let shutdown = state.shutdown.clone();
        let server = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            stop.cancelled().await;
            shutdown.cancel();
        });
        server.await?;
        state.sockets.close();
        if tokio::time::timeout(SOCKET_DRAIN, state.sockets.wait())
            .await
            .is_err()
        {
            tracing::warn!("some sockets did not close in time");
        }
        // The news of the visitors whose sockets just closed.
        visitors::outbox::flush(&state).await;
        if let Some(turn) = turn
            && let Err(error) = turn.close().await
        {
            tracing::warn!(%error, "closing the embedded TURN server");
        }
        if let Err(error) = state.redis.quit().await {
            tracing::warn!(%error, "closing Redis connections");
        }
        tracing::info!("livedesk stopped");
        Ok(())
    }
}

async fn redis_pool(url: &str) -> anyhow::Result<fred::clients::Pool> {
    let config = fred::types::config::Config::from_url(url)
        .map_err(|e| anyhow::anyhow!("REDIS_URL is invalid: {e}"))?;
    let pool = fred::types::Builder::from_config(config)
        .with_connection_config(|c| c.connection_timeout = Duration::from_secs(5))
        .set_policy(fred::types::config::ReconnectPolicy::new_exponential(
            0, 100, 5_000, 2,
        ))
        .build_pool(4)
        .map_err(|e| anyhow::anyhow!("REDIS_URL: {e}"))?;
    pool.init()
        .await
        .map_err(|e| anyhow::anyhow!("connecting to Redis (REDIS_URL): {e}"))?;
    Ok(pool)
}

fn routes(state: &AppState) -> Router {
    let client_ip = ClientIp::new(
        &state.config.trusted_proxies,
        state.config.rate_limit_factor,
    );
    Router::new()
        .merge(auth::routes::router(&client_ip))
        .merge(chat::routes::router())
        .merge(chat::files::router())
        .merge(files::router())
        .merge(assignment::routes::router())
        .merge(agents::router())
        .merge(agents::invites_router(&client_ip))
        .merge(canned::router())
        .merge(chat::tag_list::router())
        .merge(sites::settings::router())
        .merge(sites::superadmin::router())
        .merge(sites::visitor_session::router(&client_ip))
        .merge(sites::status::router(&client_ip))
        .merge(visitors::routes::router())
        .merge(presence::routes::router())
        .merge(widget::router())
        .merge(calls::ice::router())
        .merge(realtime::router())
        .merge(health::router())
        .merge(web::router(state))
        .layer(DefaultBodyLimit::max(
            livedesk_protocol::MAX_JSON_BODY_BYTES,
        ))
        .layer(axum::middleware::from_fn(telemetry::track_http))
        .layer(TraceLayer::new_for_http())
        .with_state(state.clone())
}
