//! `POST /api/v1/visitor/profile`: the visitor's name, e-mail, phone and custom data, from
//! the pre-chat form or `Livedesk.updateVisitor`. Agents see the name on the conversation.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use livedesk_protocol::widget::{
    ContactError, VisitorProfile, check_custom_data, parse_email, parse_name, parse_phone,
};

use super::CurrentVisitor;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/visitor/profile", post(update))
}

/// A profile with every given field checked; `None` keeps the stored value.
struct CheckedProfile {
    name: Option<String>,
    email: Option<String>,
    /// `Some(None)`: clear the stored phone.
    phone: Option<Option<String>>,
    custom_data: Option<serde_json::Value>,
}

fn check(profile: VisitorProfile) -> Result<CheckedProfile, ContactError> {
    let custom_data = match profile.custom_data {
        Some(data) => {
            check_custom_data(&data)?;
            Some(serde_json::Value::Object(
                data.into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect(),
            ))
        }
        None => None,
    };
    Ok(CheckedProfile {
        name: profile.name.as_deref().map(parse_name).transpose()?,
        email: profile.email.as_deref().map(parse_email).transpose()?,
        phone: profile.phone.as_deref().map(parse_phone).transpose()?,
        custom_data,
    })
}

#[tracing::instrument(skip_all, fields(visitor = %me.visitor))]
async fn update(
    State(state): State<AppState>,
    me: CurrentVisitor,
    ApiJson(profile): ApiJson<VisitorProfile>,
) -> AppResult<StatusCode> {
    let profile = check(profile).map_err(AppError::from)?;
    let (phone_given, phone) = match profile.phone {
        Some(phone) => (true, phone),
        None => (false, None),
    };
    sqlx::query!(
        "UPDATE visitors SET name = COALESCE($3, name), email = COALESCE($4, email),
                phone = CASE WHEN $5 THEN $6 ELSE phone END,
                custom_data = COALESCE($7, custom_data)
         WHERE site_id = $1 AND id = $2",
        me.site.0,
        me.visitor.0,
        profile.name,
        profile.email,
        phone_given,
        phone,
        profile.custom_data,
    )
    .execute(&state.db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
