use livedesk_protocol::api::{AgentProfile, LoginRequest, RefreshRequest, Role, TokenPair};
use livedesk_protocol::{ApiError, ErrorCode};

use crate::support::client::{http, login};
use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn an_agent_logs_in_and_sees_their_profile() {
    let app = TestApp::spawn().await;

    let pair = login(&app.node, &app.site.agent_email).await;
    let me: AgentProfile = http()
        .get(app.node.url("/api/v1/me"))
        .bearer_auth(&pair.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(me.email, app.site.agent_email);
    assert_eq!(me.role, Role::Agent);
    assert_eq!(me.site_id, Some(app.site.id));
}

#[tokio::test]
async fn a_wrong_password_or_unknown_email_is_refused_alike() {
    let app = TestApp::spawn().await;
    for (email, password) in [
        (app.site.agent_email.as_str(), "wrong password!"),
        ("nobody@example.com", PASSWORD),
    ] {
        let response = http()
            .post(app.node.url("/api/v1/auth/login"))
            .json(&LoginRequest {
                email: email.into(),
                password: password.into(),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let error: ApiError = response.json().await.unwrap();
        assert_eq!(error.code, ErrorCode::InvalidCredentials);
    }
    let tokens: i64 = sqlx::query_scalar("SELECT count(*) FROM refresh_tokens")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(tokens, 0, "a failed login leaves no session behind");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let first = login(&app.node, &app.site.agent_email).await;
    let refresh = |token: String| {
        let url = app.node.url("/api/v1/auth/refresh");
        async move {
            http()
                .post(url)
                .json(&RefreshRequest {
                    refresh_token: token,
                })
                .send()
                .await
                .unwrap()
        }
    };

    let second = refresh(first.refresh_token.clone()).await;
    assert_eq!(second.status(), 200);
    let second: TokenPair = second.json().await.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);

    let reused = refresh(first.refresh_token.clone()).await;
    assert_eq!(reused.status(), 401, "a refresh token works once");

    let logout = http()
        .post(app.node.url("/api/v1/auth/logout"))
        .json(&RefreshRequest {
            refresh_token: second.refresh_token.clone(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert_eq!(
        refresh(second.refresh_token).await.status(),
        401,
        "logged out"
    );
}

#[tokio::test]
async fn expired_and_forged_access_tokens_are_refused_with_their_code() {
    let app = TestApp::spawn_with(|s| s.access_ttl_secs = 0).await;
    let expired = login(&app.node, &app.site.agent_email).await.access_token;
    // Tokens are accepted for 5 s of clock skew.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;

    let forged = tamper_signature(&expired);

    for (token, code) in [
        (expired, ErrorCode::TokenExpired),
        (forged, ErrorCode::Unauthorized),
        ("garbage".into(), ErrorCode::Unauthorized),
    ] {
        let response = http()
            .get(app.node.url("/api/v1/conversations"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(response.json::<ApiError>().await.unwrap().code, code);
    }
    let missing = http()
        .get(app.node.url("/api/v1/conversations"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing.json::<ApiError>().await.unwrap().code,
        ErrorCode::Unauthorized
    );
}

/// The same token with one character of its signature changed.
pub fn tamper_signature(token: &str) -> String {
    let (claims, signature) = token.rsplit_once('.').unwrap();
    let mut chars: Vec<char> = signature.chars().collect();
    chars[5] = if chars[5] == 'x' { 'y' } else { 'x' };
    format!("{claims}.{}", chars.into_iter().collect::<String>())
}

#[tokio::test]
async fn repeated_login_attempts_from_one_address_are_slowed_down() {
    let app = TestApp::spawn().await;
    let attempt = || {
        let url = app.node.url("/api/v1/auth/login");
        let email = app.site.agent_email.clone();
        async move {
            http()
                .post(url)
                .json(&LoginRequest {
                    email,
                    password: "guess guess guess".into(),
                })
                .send()
                .await
                .unwrap()
        }
    };

    for _ in 0..10 {
        assert_eq!(attempt().await.status(), 401);
    }
    let limited = attempt().await;

    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        limited.json::<ApiError>().await.unwrap().code,
        ErrorCode::RateLimited
    );
}
