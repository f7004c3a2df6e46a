//! The one error type of the HTTP API, mapped once to `{"code", "message"}`.
//! Internal failures are logged here and never shown to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use livedesk_protocol::admin::{
    AgentInputError, CannedResponseError, SiteNameError, SiteTagError, WidgetSettingsError,
};
use livedesk_protocol::calls::PayloadError;
use livedesk_protocol::chat::{MessageBodyError, RatingError};
use livedesk_protocol::routing::{ChatRequestError, ProfileError, RoutingConfigError, TagError};
use livedesk_protocol::widget::ContactError;
use livedesk_protocol::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{1}")]
    Client(ErrorCode, String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("redis error: {0}")]
    Redis(#[from] fred::error::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// Validation errors of user input: `invalid_input` with the error's own message.
macro_rules! invalid_input_from {
    ($($error:ty),*) => {$(
        impl From<$error> for AppError {
            fn from(error: $error) -> Self {
                Self::new(ErrorCode::InvalidInput, error.to_string())
            }
        }
    )*};
}

invalid_input_from!(
    MessageBodyError,
    RatingError,
    ChatRequestError,
    TagError,
    ProfileError,
    RoutingConfigError,
    ContactError,
    PayloadError,
    AgentInputError,
    CannedResponseError,
    SiteTagError,
    WidgetSettingsError,
    SiteNameError
);

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Client(code, message.into())
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// A write that broke the unique index `constraint` means a name already in use: a
    /// `conflict` with `message`. Any other database error stays as it is.
    pub fn taken(error: sqlx::Error, constraint: &str, message: impl Into<String>) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.constraint() == Some(constraint) => {
                Self::new(ErrorCode::Conflict, message)
            }
            _ => error.into(),
        }
    }

    /// The code and message a client may see. Logs internal errors.
    pub fn to_client(&self) -> (ErrorCode, String) {
        match self {
            Self::Client(code, message) => (*code, message.clone()),
            Self::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) | Self::Redis(_) => {
                tracing::error!(error = %self, "dependency unavailable");
                (
                    ErrorCode::Unavailable,
                    "a storage service is unavailable; try again".into(),
                )
            }
            Self::Database(_) | Self::Other(_) => {
                tracing::error!(error = ?self, "internal error");
                (ErrorCode::Internal, "internal error".into())
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (code, message) = self.to_client();
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(ApiError { code, message })).into_response()
    }
}
