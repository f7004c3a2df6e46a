//! Invitations by link: an admin invites an address, the invitee picks a name and password
//! and is signed in, once. Links can be replaced, revoked and expire; agents cannot invite,
//! and another site's admin cannot touch them.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::admin::{CreatedInvite, Invite, InviteDetails};
use livedesk_protocol::api::{AgentProfile, Role, TokenPair};
use livedesk_protocol::routing::SiteAgent;
use reqwest::Method;
use serde_json::{Value, json};

use crate::admin_agents::{call, code};
use crate::support::client::{http, login};
use crate::support::{PASSWORD, TestApp, TestNode, create_site};

async fn invite(node: &TestNode, token: &str, email: &str, role: &str) -> CreatedInvite {
    let (status, answer) = call(
        node,
        token,
        Method::POST,
        "/api/v1/site/invites",
        json!({"email": email, "role": role}),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    serde_json::from_value(answer).unwrap()
}

/// `POST` without an access token, as the invitee's browser does.
async fn public(node: &TestNode, path: &str, body: Value) -> (u16, Value) {
    let response = http()
        .post(node.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn look_up(node: &TestNode, token: &str) -> (u16, Value) {
    public(node, "/api/v1/invite", json!({"token": token})).await
}

async fn accept(node: &TestNode, token: &str, name: &str, password: &str) -> (u16, Value) {
    public(
        node,
        "/api/v1/invite/accept",
        json!({"token": token, "name": name, "password": password}),
    )
    .await
}

async fn pending(node: &TestNode, admin: &str) -> Vec<Invite> {
    let (status, list) = call(
        node,
        admin,
        Method::GET,
        "/api/v1/site/invites",
        json!(null),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    serde_json::from_value(list).unwrap()
}

async fn accounts_named(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM agents WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invitee_opens_the_link_signs_up_and_is_signed_in_once() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await.access_token;
    let email = "nur.new@example.com";

    let created = invite(&app.node, &admin, email, "agent").await;
    assert_eq!(created.invite.email, email);
    assert_eq!(created.invite.invited_by.as_deref(), Some("Ada Admin"));
    assert!(
        created.token.len() >= 32,
        "a long secret: {}",
        created.token
    );
    assert_eq!(
        pending(&app.node, &admin).await,
        vec![created.invite.clone()]
    );

    // Whoever holds the link sees what it is for.
    let (status, details) = look_up(&app.node, &created.token).await;
    assert_eq!(status, 200, "{details}");
    let details: InviteDetails = serde_json::from_value(details).unwrap();
    assert_eq!(
        (
            details.site_name.as_str(),
            details.email.as_str(),
            details.role
        ),
        ("Acme Shoes", email, Role::Agent)
    );

    // A short password is refused and the link still works.
    let (status, answer) = accept(&app.node, &created.token, "Nur New", "short").await;
    assert_eq!((status, code(&answer)), (400, ErrorCode::InvalidInput));
    assert_eq!(accounts_named(&app, email).await, 0);
    assert_eq!(look_up(&app.node, &created.token).await.0, 200);

    // Two tabs accept at once: one account, one signed-in tab.
    let (first, second) = tokio::join!(
        accept(&app.node, &created.token, " Nur New ", PASSWORD),
        accept(&app.node, &created.token, "Nur Other", PASSWORD),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 404], "{first:?} {second:?}");
    let signed_in = if first.0 == 201 { first.1 } else { second.1 };
    let pair: TokenPair = serde_json::from_value(signed_in).unwrap();
    assert_eq!(
        (
            pair.agent.email.as_str(),
            pair.agent.role,
            pair.agent.site_id
        ),
        (email, Role::Agent, Some(app.site.id))
    );
    assert_eq!(accounts_named(&app, email).await, 1);

    // The new agent is signed in, listed on the team, and signs in with the password.
    let (status, me) = call(
        &app.node,
        &pair.access_token,
        Method::GET,
        "/api/v1/me",
        json!(null),
    )
    .await;
    assert_eq!(status, 200);
    let me: AgentProfile = serde_json::from_value(me).unwrap();
    assert!(me.name == "Nur New" || me.name == "Nur Other", "{me:?}");
    let (_, team) = call(
        &app.node,
        &admin,
        Method::GET,
        "/api/v1/site/agents",
        json!(null),
    )
    .await;
    let team: Vec<SiteAgent> = serde_json::from_value(team).unwrap();
    assert!(team.iter().any(|a| a.email == email && a.active));
    login(&app.node, email).await;

    // The link is spent.
    assert_eq!(look_up(&app.node, &created.token).await.0, 404);
    let (status, answer) = accept(&app.node, &created.token, "Nur Again", PASSWORD).await;
    assert_eq!((status, code(&answer)), (404, ErrorCode::NotFound));
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("ask your admin"),
        "{answer}"
    );
    assert!(pending(&app.node, &admin).await.is_empty());
}

#[tokio::test]
async fn invitations_are_for_admins_and_can_be_replaced_revoked_and_expire() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await.access_token;
    let agent = login(&app.node, &app.site.agent_email).await.access_token;
    let other = create_site(&app.db, "Other Shop", "https://other.example").await;
    let other_admin = login(&app.node, &other.admin_email).await.access_token;

    // Agents can neither invite nor see the invitations.
    for (method, body) in [
        (
            Method::POST,
            json!({"email": "x@example.com", "role": "agent"}),
        ),
        (Method::GET, json!(null)),
    ] {
        let (status, answer) = call(&app.node, &agent, method, "/api/v1/site/invites", body).await;
        assert_eq!((status, code(&answer)), (403, ErrorCode::Forbidden));
    }

    // Bad requests are refused and store nothing.
    for body in [
        json!({"email": "not-an-address", "role": "agent"}),
        json!({"email": "x@example.com", "role": "superadmin"}),
        json!({"email": "x@example.com", "role": "agent", "site_id": other.id}),
        json!({"email": "x@example.com"}),
    ] {
        let (status, answer) = call(
            &app.node,
            &admin,
            Method::POST,
            "/api/v1/site/invites",
            body.clone(),
        )
        .await;
        assert_eq!(status, 400, "{body} → {answer}");
    }
    for taken in [&app.site.agent_email, &other.agent_email] {
        let (status, answer) = call(
            &app.node,
            &admin,
            Method::POST,
            "/api/v1/site/invites",
            json!({"email": taken.to_uppercase(), "role": "agent"}),
        )
        .await;
        assert_eq!(
            (status, code(&answer)),
            (409, ErrorCode::Conflict),
            "{answer}"
        );
    }
    assert!(pending(&app.node, &admin).await.is_empty());

    // A new invitation for the same address replaces the older link.
    let older = invite(&app.node, &admin, "zeynep@example.com", "agent").await;
    let newer = invite(&app.node, &admin, "Zeynep@example.com", "admin").await;
    assert_eq!(look_up(&app.node, &older.token).await.0, 404);
    assert_eq!(look_up(&app.node, &newer.token).await.0, 200);
    assert_eq!(pending(&app.node, &admin).await, vec![newer.invite.clone()]);

    // Another site's admin neither sees nor revokes it.
    assert!(pending(&app.node, &other_admin).await.is_empty());
    let path = format!("/api/v1/site/invites/{}", newer.invite.id);
    let (status, _) = call(&app.node, &other_admin, Method::DELETE, &path, json!(null)).await;
    assert_eq!(status, 404);
    assert_eq!(look_up(&app.node, &newer.token).await.0, 200);

    // Revoked: the link stops working and makes no account.
    let (status, _) = call(&app.node, &admin, Method::DELETE, &path, json!(null)).await;
    assert_eq!(status, 204);
    let (status, _) = call(&app.node, &admin, Method::DELETE, &path, json!(null)).await;
    assert_eq!(status, 404, "revoked once");
    assert_eq!(
        accept(&app.node, &newer.token, "Zeynep", PASSWORD).await.0,
        404
    );
    assert_eq!(accounts_named(&app, "zeynep@example.com").await, 0);

    // Expired: listed as such, and the link no longer works.
    let late = invite(&app.node, &admin, "late@example.com", "agent").await;
    sqlx::query("UPDATE agent_invites SET expires_at = now() - interval '1 second' WHERE id = $1")
        .bind(late.invite.id.0)
        .execute(&app.db)
        .await
        .unwrap();
    let listed = pending(&app.node, &admin).await;
    assert!(listed.len() == 1 && listed[0].expired, "{listed:?}");
    assert_eq!(look_up(&app.node, &late.token).await.0, 404);
    assert_eq!(
        accept(&app.node, &late.token, "Late", PASSWORD).await.0,
        404
    );
    assert_eq!(accounts_named(&app, "late@example.com").await, 0);

    // A forged link, and a malformed body.
    assert_eq!(look_up(&app.node, &"0".repeat(64)).await.0, 404);
    let (status, _) = public(
        &app.node,
        "/api/v1/invite/accept",
        json!({"token": late.token}),
    )
    .await;
    assert_eq!(status, 400);

    // A suspended site's links do not work.
    let fresh = invite(&app.node, &admin, "fresh@example.com", "agent").await;
    sqlx::query("UPDATE sites SET suspended = true WHERE id = $1")
        .bind(app.site.id.0)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(look_up(&app.node, &fresh.token).await.0, 404);
    assert_eq!(
        accept(&app.node, &fresh.token, "Fresh", PASSWORD).await.0,
        404
    );
}
