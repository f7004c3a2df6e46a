//! Extractors that turn bad input into our JSON errors instead of axum's plain text.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use livedesk_protocol::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// `Json<T>` whose rejections are `{"code": "malformed_frame" | "frame_too_large", …}`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::new(
                    ErrorCode::FrameTooLarge,
                    format!(
                        "the body is larger than {} bytes",
                        livedesk_protocol::MAX_JSON_BODY_BYTES
                    ),
                ))
            }
            Err(rejection) => Err(AppError::new(
                ErrorCode::MalformedFrame,
                rejection.body_text(),
            )),
        }
    }
}

/// `Query<T>` whose rejection is `{"code": "invalid_input", …}` naming the bad parameter.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(AppError::new(
                ErrorCode::InvalidInput,
                rejection.body_text(),
            )),
        }
    }
}
