//! Error codes shared by REST responses and WebSocket error frames. Clients match on the
//! code; the message is for people and may change.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request or frame is not valid JSON or does not have the documented shape.
    MalformedFrame,
    /// A field failed validation (empty message, bad e-mail, …).
    InvalidInput,
    /// The frame or body is larger than the documented limit.
    FrameTooLarge,
    /// An uploaded file's content is not one of the kinds that may be shared (images and
    /// PDF), whatever its name or declared type says.
    UnsupportedFileType,
    /// No credentials, or credentials that are forged or malformed.
    Unauthorized,
    /// The token was valid but has expired: refresh it (agents) or start a new session.
    TokenExpired,
    /// Wrong e-mail or password.
    InvalidCredentials,
    /// The caller is authenticated but may not do this.
    Forbidden,
    /// The site key is unknown or the site is suspended.
    UnknownSite,
    /// The page embedding the widget is not on the site's list of allowed origins.
    OriginNotAllowed,
    /// The thing does not exist, or belongs to another site.
    NotFound,
    /// The request conflicts with existing data (e.g. an e-mail already in use).
    Conflict,
    /// Too many requests; retry later.
    RateLimited,
    /// A dependency (PostgreSQL, Redis) is unavailable; retry later.
    Unavailable,
    /// Something failed on the server; details are in the server's log.
    Internal,
}

impl ErrorCode {
    /// The HTTP status that goes with the code in REST responses.
    pub fn http_status(self) -> u16 {
        match self {
            Self::MalformedFrame | Self::InvalidInput => 400,
            Self::Unauthorized | Self::TokenExpired | Self::InvalidCredentials => 401,
            Self::Forbidden | Self::OriginNotAllowed => 403,
            Self::UnknownSite | Self::NotFound => 404,
            Self::Conflict => 409,
            Self::FrameTooLarge => 413,
            Self::UnsupportedFileType => 415,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
        }
    }
}

/// The JSON body of every REST error: `{"code": "...", "message": "..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}
