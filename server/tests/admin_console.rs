//! The admin console in real headless Chromium: an admin adds an agent who then signs in,
//! changes routing and business hours (an emergency with its end, and sees the widget's
//! state change in the preview), and adds a canned response; the agent sees no settings
//! and is refused at the API, and deactivated, is signed out with the reason; an admin
//! edits the weekly hours, a break and a holiday in the business-hours editor, and the
//! preview follows each save; an admin of another site sees only their own agents; a
//! superadmin watches every site's figures change on the sites page, and creates a site
//! and its first admin, whom suspending the site signs out.

#![allow(clippy::unwrap_used)]

mod support;

use fantoccini::{Client, Locator};
use livedesk_protocol::frames::{ServerFrame, VisitorFrame};
use livedesk_protocol::ids::ClientId;
use livedesk_protocol::routing::{RoutingConfig, Strategy};
use serde_json::json;

use support::browser::{Driver, js, sign_in_dashboard_as, text_of, until, visible};
use support::client::{Socket, http, login, ready_visitor, visitor_says, visitor_session};
use support::{PASSWORD, TestApp, create_site, create_superadmin, department, join_department};

async fn sign_in(client: &Client, base: &str, email: &str, password: &str) {
    sign_in_dashboard_as(client, base, email, password).await;
    until(client, "the signed-in workspace", || async {
        visible(client, "[data-ld=page]").await
    })
    .await;
}

/// Opens a settings page by its address, as a link or a bookmark would.
async fn open_settings(client: &Client, base: &str, slug: &str) {
    client
        .goto(&format!("{base}/dashboard/#/settings/{slug}"))
        .await
        .unwrap();
    let css = format!("[data-ld=settings-page][data-page={slug}] .ld-admin");
    until(client, &format!("the {slug} page"), || async {
        visible(client, &css).await && !visible(client, "[data-ld=admin-loading]").await
    })
    .await;
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn saved(client: &Client, form: &str) {
    let css = format!("{form} [data-ld=save-status][data-state=saved]");
    until(client, &format!("{form} to be saved"), || async {
        visible(client, &css).await
    })
    .await;
}

async fn attribute(client: &Client, css: &str, name: &str) -> Option<String> {
    client
        .find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()
        .flatten()
}

#[tokio::test]
async fn an_admin_staffs_and_configures_the_site_and_the_new_agent_sees_no_settings() {
    let app = TestApp::spawn().await;
    let base = app.node.origin();
    let driver = Driver::start();
    let (admin, _admin_profile) = driver.browser().await;
    sign_in(&admin, &base, &app.site.admin_email, PASSWORD).await;

    // Agents: a new agent with an initial password.
    open_settings(&admin, &base, "agents").await;
    type_into(
        &admin,
        "[data-ld=agent-new] input[name=email]",
        "nur@example.com",
    )
    .await;
    type_into(&admin, "[data-ld=agent-new] input[name=name]", "Nur New").await;
    type_into(
        &admin,
        "[data-ld=agent-new] input[name=password]",
        "a fresh password",
    )
    .await;
    click(&admin, "[data-ld=agent-create]").await;
    saved(&admin, "[data-ld=agent-new]").await;
    until(&admin, "the new agent in the list", || async {
        visible(&admin, "[data-ld=agent-row][data-email='nur@example.com']").await
    })
    .await;

    // Routing: round robin, manual assignment, a longer queue timeout.
    open_settings(&admin, &base, "routing").await;
    click(&admin, "input[name=strategy][value=round_robin]").await;
    click(&admin, "input[name=assignment][value=manual]").await;
    type_into(&admin, "input[name=queue_timeout_secs]", "600").await;
    click(&admin, "[data-ld=routing-save]").await;
    saved(&admin, "[data-ld=routing-form]").await;
    let tokens = login(&app.node, &app.site.admin_email).await;
    let stored: RoutingConfig = http()
        .get(app.node.url("/api/v1/site/routing"))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            stored.strategy,
            stored.auto_assign,
            stored.queue_timeout_secs
        ),
        (Strategy::RoundRobin, false, 600)
    );

    // Business hours: an emergency closes the desk, and the preview says so without a reload.
    open_settings(&admin, &base, "business-hours").await;
    until(&admin, "the preview's first state", || async {
        visible(&admin, "[data-ld=preview-state]").await
    })
    .await;
    let before = attribute(&admin, "[data-ld=preview-state]", "data-state").await;
    assert_ne!(
        before.as_deref(),
        Some("offline"),
        "no hours: the desk is open"
    );
    click(&admin, "input[name=always_open]").await;
    type_into(&admin, "input[name=time_zone]", "Europe/Istanbul").await;
    click(
        &admin,
        "[data-ld=hours-day][data-day=monday] [data-ld=hours-day-open]",
    )
    .await;
    click(&admin, "input[name=emergency]").await;
    type_into(
        &admin,
        "input[name=emergency_message]",
        "Closed for maintenance",
    )
    .await;
    // It ends by itself in two days, picked on Istanbul's clock (UTC+3 all year).
    let istanbul = time::UtcOffset::from_hms(3, 0, 0).unwrap();
    let ends = (time::OffsetDateTime::now_utc() + time::Duration::days(2))
        .to_offset(istanbul)
        .replace_second(0)
        .unwrap()
        .replace_nanosecond(0)
        .unwrap();
    let picked = ends
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]"
        ))
        .unwrap();
    pick(&admin, "[data-ld=emergency-until]", 0, &picked).await;
    click(&admin, "[data-ld=hours-save]").await;
    saved(&admin, "[data-ld=hours-form]").await;
    let stored: String =
        sqlx::query_scalar("SELECT business_hours->'emergency'->>'until' FROM sites WHERE id = $1")
            .bind(app.site.id.0)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let stored =
        time::OffsetDateTime::parse(&stored, &time::format_description::well_known::Rfc3339)
            .unwrap();
    assert_eq!(
        stored, ends,
        "the end is the instant picked on Istanbul's clock"
    );
    until(&admin, "the preview to show the emergency", || async {
        attribute(&admin, "[data-ld=preview-state]", "data-state")
            .await
            .as_deref()
            == Some("offline")
            && text_of(&admin, "[data-ld=preview-reason]")
                .await
                .contains("maintenance")
    })
    .await;

    // Canned responses.
    open_settings(&admin, &base, "canned-responses").await;
    type_into(
        &admin,
        "[data-ld=canned-new] input[name=shortcut]",
        "/thanks",
    )
    .await;
    type_into(
        &admin,
        "[data-ld=canned-new] textarea[name=body]",
        "Thank you for waiting!",
    )
    .await;
    click(&admin, "[data-ld=canned-new] [data-ld=canned-save]").await;
    until(&admin, "the canned response in the list", || async {
        visible(&admin, "[data-ld=canned-response][data-shortcut='/thanks']").await
    })
    .await;

    // The new agent signs in: no settings in the rail, the address falls back to the
    // inbox, and the API refuses them.
    let (nur, _nur_profile) = driver.browser().await;
    sign_in(&nur, &base, "nur@example.com", "a fresh password").await;
    assert!(!visible(&nur, "[data-ld=nav][data-page=settings]").await);
    nur.goto(&format!("{base}/dashboard/#/settings/agents"))
        .await
        .unwrap();
    until(&nur, "the inbox instead of the settings", || async {
        attribute(&nur, "[data-ld=page]", "data-page")
            .await
            .as_deref()
            == Some("#/")
    })
    .await;
    assert!(!visible(&nur, "[data-ld=settings]").await);
    let nur_tokens = http()
        .post(app.node.url("/api/v1/auth/login"))
        .json(&json!({"email": "nur@example.com", "password": "a fresh password"}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let refused = http()
        .get(app.node.url("/api/v1/site/canned-responses"))
        .bearer_auth(nur_tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        200,
        "every agent reads the canned responses"
    );
    let refused = http()
        .post(app.node.url("/api/v1/site/canned-responses"))
        .bearer_auth(nur_tokens["access_token"].as_str().unwrap())
        .json(&json!({"shortcut": "/mine", "body": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        refused.json::<serde_json::Value>().await.unwrap()["code"],
        "forbidden"
    );

    // Deactivated from the agents page, Nur's open dashboard goes to the sign-in page and
    // says why; reactivated, Nur signs in again.
    open_settings(&admin, &base, "agents").await;
    let nur_row = "[data-ld=agent-row][data-email='nur@example.com']";
    click(&admin, &format!("{nur_row} [data-ld=agent-deactivate]")).await;
    until(&admin, "Nur shown deactivated", || async {
        visible(
            &admin,
            &format!("{nur_row}[data-active=false] [data-ld=agent-deactivated]"),
        )
        .await
    })
    .await;
    signed_out_because(&nur, "deactivated").await;
    click(&admin, &format!("{nur_row} [data-ld=agent-reactivate]")).await;
    until(&admin, "Nur shown active", || async {
        visible(&admin, &format!("{nur_row}[data-active=true]")).await
    })
    .await;
    sign_in(&nur, &base, "nur@example.com", "a fresh password").await;
    assert!(!visible(&nur, "[data-ld=signed-out-reason]").await);

    admin.close().await.ok();
    nur.close().await.ok();
}

/// Waits for `client`'s dashboard to show the sign-in page with the server's reason for
/// ending the session, which mentions `why`.
async fn signed_out_because(client: &Client, why: &str) {
    until(client, "the sign-in page with the reason", || async {
        visible(client, "[data-ld=login]").await
            && text_of(client, "[data-ld=signed-out-reason]")
                .await
                .contains(why)
    })
    .await;
}

/// Sets the value of the `index`th input matching `css` as a picker would (time and date
/// inputs take typed keys in the browser's locale format), firing `input` and `change`.
async fn pick(client: &Client, css: &str, index: usize, value: &str) {
    let set = client
        .execute(
            "const field = document.querySelectorAll(arguments[0])[arguments[1]];
             if (!field) return false;
             field.value = arguments[2];
             field.dispatchEvent(new Event('input', { bubbles: true }));
             field.dispatchEvent(new Event('change', { bubbles: true }));
             return field.value === arguments[2];",
            vec![json!(css), json!(index), json!(value)],
        )
        .await
        .unwrap();
    assert_eq!(set, json!(true), "{css} #{index} takes {value}");
}

/// The values of the inputs matching `css`, in page order.
async fn values(client: &Client, css: &str) -> Vec<String> {
    let found = client
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(f => f.value);",
            vec![json!(css)],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

async fn preview_reason(client: &Client) -> String {
    text_of(client, "[data-ld=hours-preview] [data-ld=preview-reason]").await
}

#[tokio::test]
async fn an_admin_edits_hours_a_break_and_a_holiday_and_the_preview_follows_each_save() {
    let app = TestApp::spawn().await;
    let base = app.node.origin();
    let driver = Driver::start();
    let (admin, _profile) = driver.browser_sized(768, 1000).await;
    sign_in(&admin, &base, &app.site.admin_email, PASSWORD).await;
    let zone = "Europe/Istanbul";
    let today = jiff::tz::TimeZone::get(zone)
        .unwrap()
        .to_datetime(jiff::Timestamp::now())
        .date()
        .to_string();
    let monday = "[data-ld=hours-day][data-day=monday]";
    let friday = "[data-ld=hours-day][data-day=friday]";

    // Monday 09:00–12:00 and 13:00–18:00, copied to the weekdays; Friday keeps the morning.
    open_settings(&admin, &base, "business-hours").await;
    click(&admin, "input[name=always_open]").await;
    type_into(&admin, "input[name=time_zone]", zone).await;
    click(&admin, &format!("{monday} [data-ld=hours-day-open]")).await;
    assert_eq!(
        values(&admin, &format!("{monday} [data-ld=hours-span] input")).await,
        ["09:00", "17:00"],
        "opening a day proposes a working day"
    );
    pick(
        &admin,
        &format!("{monday} [data-ld=hours-span-end]"),
        0,
        "12:00",
    )
    .await;
    click(&admin, &format!("{monday} [data-ld=hours-span-add]")).await;
    pick(
        &admin,
        &format!("{monday} [data-ld=hours-span-end]"),
        1,
        "18:00",
    )
    .await;
    click(&admin, "[data-ld=hours-copy-monday]").await;
    let friday_removes =
        format!("{friday} [data-ld=hours-span]:nth-child(2) [data-ld=hours-span-remove]");
    click(&admin, &friday_removes).await;
    // A break on Mondays and Fridays, and today a holiday with a message.
    click(&admin, "[data-ld=break-add]").await;
    pick(&admin, "[data-ld=break-start]", 0, "15:00").await;
    pick(&admin, "[data-ld=break-end]", 0, "15:30").await;
    for day in ["monday", "friday"] {
        click(
            &admin,
            &format!("[data-ld=break-row] [data-ld=break-day][data-day={day}]"),
        )
        .await;
    }
    click(&admin, "[data-ld=holiday-add]").await;
    pick(&admin, "[data-ld=holiday-date]", 0, &today).await;
    type_into(&admin, "[data-ld=holiday-name]", "Company day").await;
    type_into(&admin, "[data-ld=holiday-message]", "Back tomorrow at nine").await;
    let overflow = form_overflow(&admin).await;
    assert!(
        overflow <= 0,
        "the editor fits 768 px: {overflow} px too wide"
    );

    click(&admin, "[data-ld=hours-save]").await;
    saved(&admin, "[data-ld=hours-form]").await;

    until(&admin, "the preview to show the holiday", || async {
        attribute(&admin, "[data-ld=preview-state]", "data-state")
            .await
            .as_deref()
            == Some("offline")
            && preview_reason(&admin).await == "Holiday: Company day — Back tomorrow at nine"
    })
    .await;
    let tokens = login(&app.node, &app.site.admin_email).await;
    let stored: serde_json::Value = http()
        .get(app.node.url("/api/v1/site/business-hours"))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let two = json!([{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}]);
    assert_eq!(
        stored,
        json!({
            "time_zone": zone,
            "weekly": {
                "monday": two, "tuesday": two, "wednesday": two, "thursday": two,
                "friday": [{"start": "09:00", "end": "12:00"}],
                "saturday": [], "sunday": [],
            },
            "breaks": [{"start": "15:00", "end": "15:30", "days": ["monday", "friday"]}],
            "holidays": [{"date": today, "name": "Company day", "message": "Back tomorrow at nine"}],
        })
    );

    // The holiday goes: the preview no longer speaks of it.
    click(&admin, "[data-ld=holiday-remove]").await;
    click(&admin, "[data-ld=hours-save]").await;
    until(&admin, "the preview without the holiday", || async {
        let reason = preview_reason(&admin).await;
        visible(&admin, "[data-ld=preview-state]").await && !reason.contains("Company day")
    })
    .await;

    // A reload shows what was saved.
    admin.refresh().await.unwrap();
    until(&admin, "the editor again", || async {
        visible(&admin, &format!("{monday} [data-ld=hours-span]")).await
    })
    .await;
    assert_eq!(
        values(&admin, &format!("{monday} [data-ld=hours-span] input")).await,
        ["09:00", "12:00", "13:00", "18:00"]
    );
    assert_eq!(
        values(&admin, &format!("{friday} [data-ld=hours-span] input")).await,
        ["09:00", "12:00"]
    );
    assert_eq!(
        values(&admin, "[data-ld=break-row] input[type=time]").await,
        ["15:00", "15:30"]
    );
    let ticked = admin
        .execute(
            "return [...document.querySelectorAll('[data-ld=break-day]')].filter(b => b.checked).map(b => b.dataset.day);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ticked, json!(["monday", "friday"]));
    assert!(!visible(&admin, "[data-ld=holiday-row]").await);

    admin.close().await.ok();
}

/// How many pixels the widest of the business-hours form and the boxes around it is wider
/// than its box (≤ 0: nothing scrolls sideways).
async fn form_overflow(client: &Client) -> i64 {
    let overflow = client
        .execute(
            "const boxes = [];
             for (let e = document.querySelector('[data-ld=hours-form]'); e; e = e.parentElement) boxes.push(e);
             return Math.max(...boxes.map(e => e.scrollWidth - e.clientWidth));",
            vec![],
        )
        .await
        .unwrap();
    overflow.as_i64().unwrap()
}

#[tokio::test]
async fn an_admin_of_another_site_sees_only_their_own_agents() {
    let app = TestApp::spawn().await;
    let base = app.node.origin();
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let driver = Driver::start();
    let (intruder, _profile) = driver.browser().await;
    sign_in(&intruder, &base, &other.admin_email, PASSWORD).await;

    open_settings(&intruder, &base, "agents").await;
    until(&intruder, "site B's own agents", || async {
        visible(
            &intruder,
            &format!("[data-ld=agent-row][data-email='{}']", other.agent_email),
        )
        .await
    })
    .await;
    assert!(
        !visible(
            &intruder,
            &format!("[data-ld=agent-row][data-email='{}']", app.site.agent_email)
        )
        .await,
        "site A's agent is not listed to site B's admin"
    );

    let tokens = login(&app.node, &other.admin_email).await;
    let site_a_agent = login(&app.node, &app.site.agent_email).await;
    let reached = http()
        .put(
            app.node
                .url(&format!("/api/v1/site/agents/{}", site_a_agent.agent.id)),
        )
        .bearer_auth(&tokens.access_token)
        .json(&json!({"name": "Taken", "role": "agent"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reached.status(), 404);
    intruder.close().await.ok();
}

#[tokio::test]
async fn a_superadmin_watches_every_sites_figures_change_without_a_reload() {
    let app = TestApp::spawn().await;
    create_superadmin(&app.db, "root@example.com").await;
    create_site(&app.db, "Kahve Evi", "https://kahve.example.com").await;
    let base = app.node.origin();
    let driver = Driver::start();
    let (root, _profile) = driver.browser().await;
    sign_in(&root, &base, "root@example.com", PASSWORD).await;
    open_settings(&root, &base, "sites").await;
    let acme = "[data-ld=site-row][data-name='Acme Shoes']";
    until(&root, "both sites listed", || async {
        visible(&root, acme).await
            && visible(&root, "[data-ld=site-row][data-name='Kahve Evi']").await
    })
    .await;
    assert_eq!(
        text_of(&root, &format!("{acme} [data-ld=site-waiting]")).await,
        "0"
    );
    assert_eq!(text_of(&root, "[data-ld=total-waiting]").await, "0");

    // A visitor of Acme writes while no agent is online: the page shows the wait by itself.
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = Socket::visitor(&app.node, &session.visitor_token).await;
    let cid = ClientId::new_random();
    widget
        .send_json(&VisitorFrame::Send {
            cid,
            body: "anyone there?".into(),
            start: None,
        })
        .await;
    widget
        .recv_until(|f| match f {
            ServerFrame::Ack { cid: c, .. } if c == cid => Some(()),
            _ => None,
        })
        .await;
    until(&root, "the waiting visitor counted", || async {
        text_of(&root, &format!("{acme} [data-ld=site-waiting]")).await == "1"
            && text_of(&root, "[data-ld=total-waiting]").await == "1"
            && text_of(&root, "[data-ld=total-24h]").await == "1"
    })
    .await;
    let kahve_row = "[data-ld=site-row][data-name='Kahve Evi']";
    assert_eq!(
        text_of(&root, &format!("{kahve_row} [data-ld=site-waiting]")).await,
        "0"
    );
    assert!(
        text_of(&root, "[data-ld=sites-total]")
            .await
            .to_lowercase()
            .contains("all 2 sites"),
        "{}",
        text_of(&root, "[data-ld=sites-total]").await
    );
}

/// A superadmin creates a site from the sites page, copies its key and snippet and makes
/// its first admin, who signs in; suspending the site sends that admin's open dashboard to
/// the sign-in page with the reason and refuses them; unsuspended, they are back.
#[tokio::test]
async fn a_superadmin_creates_a_site_and_its_admin_and_suspending_it_signs_the_admin_out() {
    let app = TestApp::spawn().await;
    create_superadmin(&app.db, "root@example.com").await;
    let base = app.node.origin();
    let driver = Driver::start();
    let (root, _root_profile) = driver.browser().await;
    sign_in(&root, &base, "root@example.com", PASSWORD).await;
    open_settings(&root, &base, "sites").await;

    type_into(&root, "[data-ld=site-new] input[name=name]", "Çay Bahçesi").await;
    type_into(
        &root,
        "[data-ld=site-new] textarea[name=origins]",
        "https://cay.example.com",
    )
    .await;
    click(&root, "[data-ld=site-create]").await;
    until(&root, "the new site's key and snippet", || async {
        visible(&root, "[data-ld=site-created] [data-ld=site-key]").await
    })
    .await;
    let key = text_of(&root, "[data-ld=site-key]").await;
    let (id, origins): (uuid::Uuid, Vec<String>) =
        sqlx::query_as("SELECT id, allowed_origins FROM sites WHERE site_key = $1")
            .bind(&key)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(origins, ["https://cay.example.com"]);
    let snippet = text_of(&root, "[data-ld=site-snippet]").await;
    assert!(
        snippet.contains(&key) && snippet.contains(&base),
        "{snippet}"
    );
    let row = "[data-ld=site-row][data-name='Çay Bahçesi']";
    assert!(visible(&root, row).await, "the new site is listed at once");

    // Its first admin: a short password is refused before anything is sent.
    let form = "[data-ld=site-admin-new]";
    type_into(
        &root,
        &format!("{form} input[name=email]"),
        "mehmet@cay.example.com",
    )
    .await;
    type_into(&root, &format!("{form} input[name=name]"), "Mehmet").await;
    type_into(&root, &format!("{form} input[name=password]"), "short").await;
    click(&root, "[data-ld=site-admin-create]").await;
    until(&root, "the short password refused", || async {
        text_of(
            &root,
            &format!("{form} [data-ld=save-status][data-state=failed]"),
        )
        .await
        .contains("at least")
    })
    .await;
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM agents WHERE site_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(accounts, 0);
    type_into(&root, &format!("{form} input[name=password]"), PASSWORD).await;
    click(&root, "[data-ld=site-admin-create]").await;
    until(&root, "the admin created", || async {
        text_of(
            &root,
            &format!("{form} [data-ld=save-status][data-state=saved]"),
        )
        .await
        .contains("mehmet@cay.example.com")
    })
    .await;

    let (mehmet, _mehmet_profile) = driver.browser().await;
    sign_in(&mehmet, &base, "mehmet@cay.example.com", PASSWORD).await;
    until(&mehmet, "the admin's settings in the rail", || async {
        visible(&mehmet, "[data-ld=nav][data-page=settings]").await
    })
    .await;

    // Suspended: Mehmet's open dashboard ends with the reason, and signing in is refused.
    click(&root, &format!("{row} [data-ld=site-suspend]")).await;
    until(&root, "the site shown suspended", || async {
        visible(
            &root,
            &format!("{row}[data-suspended=true] [data-ld=site-unsuspend]"),
        )
        .await
    })
    .await;
    signed_out_because(&mehmet, "suspended").await;
    sign_in_dashboard_as(&mehmet, &base, "mehmet@cay.example.com", PASSWORD).await;
    until(&mehmet, "the sign-in refused", || async {
        visible(&mehmet, "[data-ld=login-error]").await
    })
    .await;
    assert!(!visible(&mehmet, "[data-ld=page]").await);

    click(&root, &format!("{row} [data-ld=site-unsuspend]")).await;
    until(&root, "the site shown active", || async {
        visible(&root, &format!("{row}[data-suspended=false]")).await
    })
    .await;
    sign_in(&mehmet, &base, "mehmet@cay.example.com", PASSWORD).await;

    root.close().await.ok();
    mehmet.close().await.ok();
}

/// The count `sql` gives for the test's site (`$1`) and `value` (`$2`).
async fn rows(app: &TestApp, sql: &'static str, value: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(app.site.id.0)
        .bind(value)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// An admin edits a canned response and a department, and removes them and a tag: each
/// removal asks first, "Keep" keeps it, "Yes" removes it, and a tag removed goes from the
/// conversations that had it.
#[tokio::test]
async fn an_admin_edits_and_removes_canned_responses_departments_and_tags_after_confirming() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "INSERT INTO canned_responses (id, site_id, shortcut, body) VALUES ($1, $2, '/kargo', 'Kargonuz yolda.')",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(app.site.id.0)
    .execute(&app.db)
    .await
    .unwrap();
    let sales = department(&app.db, app.site.id, "Sales").await;
    let ali = login(&app.node, &app.site.agent_email).await;
    join_department(&app.db, ali.agent.id, sales).await;
    sqlx::query("INSERT INTO site_tags (id, site_id, name) VALUES ($1, $2, 'iade')")
        .bind(uuid::Uuid::new_v4())
        .bind(app.site.id.0)
        .execute(&app.db)
        .await
        .unwrap();
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = ready_visitor(&app.node, &session.visitor_token).await;
    let conversation = visitor_says(&mut widget, "I want to send it back").await;
    sqlx::query(
        "INSERT INTO conversation_tags (site_id, conversation_id, tag) VALUES ($1, $2, 'iade')",
    )
    .bind(app.site.id.0)
    .bind(conversation.0)
    .execute(&app.db)
    .await
    .unwrap();

    let base = app.node.origin();
    let driver = Driver::start();
    let (admin, _profile) = driver.browser().await;
    sign_in(&admin, &base, &app.site.admin_email, PASSWORD).await;

    // A canned response: edited, kept once, then removed.
    open_settings(&admin, &base, "canned-responses").await;
    let card = "[data-ld=canned-response][data-shortcut='/kargo']";
    click(&admin, &format!("{card} [data-ld=canned-edit]")).await;
    type_into(
        &admin,
        "[data-ld=canned-editor] textarea[name=body]",
        "Kargonuz yolda, yarın elinizde.",
    )
    .await;
    click(&admin, "[data-ld=canned-editor] [data-ld=canned-save]").await;
    until(&admin, "the edited canned response", || async {
        text_of(&admin, card).await.contains("yarın elinizde")
    })
    .await;
    let canned = "SELECT count(*) FROM canned_responses WHERE site_id = $1 AND body = $2";
    assert_eq!(
        rows(&app, canned, "Kargonuz yolda, yarın elinizde.").await,
        1
    );
    click(&admin, &format!("{card} [data-ld=canned-remove]")).await;
    click(&admin, &format!("{card} [data-ld=canned-remove-cancel]")).await;
    assert!(visible(&admin, &format!("{card} [data-ld=canned-remove]")).await);
    assert_eq!(
        rows(&app, canned, "Kargonuz yolda, yarın elinizde.").await,
        1
    );
    click(&admin, &format!("{card} [data-ld=canned-remove]")).await;
    click(&admin, &format!("{card} [data-ld=canned-remove-confirm]")).await;
    until(&admin, "the canned response gone", || async {
        !visible(&admin, card).await && visible(&admin, "[data-ld=canned-empty]").await
    })
    .await;
    assert_eq!(
        rows(&app, canned, "Kargonuz yolda, yarın elinizde.").await,
        0
    );

    // A department: renamed, then removed; its agent is left in none.
    open_settings(&admin, &base, "departments").await;
    click(
        &admin,
        "[data-ld=department][data-name=Sales] [data-ld=department-edit]",
    )
    .await;
    type_into(
        &admin,
        "[data-ld=department-editor] input[name=name]",
        "Satış",
    )
    .await;
    click(
        &admin,
        "[data-ld=department-editor] [data-ld=department-save]",
    )
    .await;
    let renamed = "[data-ld=department][data-name='Satış']";
    until(&admin, "the renamed department", || async {
        visible(&admin, renamed).await
    })
    .await;
    let departments = "SELECT count(*) FROM departments WHERE site_id = $1 AND name = $2";
    assert_eq!(rows(&app, departments, "Satış").await, 1);
    click(&admin, &format!("{renamed} [data-ld=department-remove]")).await;
    click(
        &admin,
        &format!("{renamed} [data-ld=department-remove-confirm]"),
    )
    .await;
    until(&admin, "the department gone", || async {
        !visible(&admin, renamed).await
    })
    .await;
    assert_eq!(rows(&app, departments, "Satış").await, 0);
    let left_in: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT department_id FROM agents WHERE id = $1")
            .bind(ali.agent.id.0)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(left_in, None);

    // A tag in use: removed from the list and from its conversation.
    open_settings(&admin, &base, "tags").await;
    let tag = "[data-ld=tag-row][data-name=iade]";
    until(&admin, "the tag with its conversation counted", || async {
        text_of(&admin, &format!("{tag} [data-ld=tag-count]")).await == "1"
    })
    .await;
    click(&admin, &format!("{tag} [data-ld=tag-remove]")).await;
    assert!(
        text_of(&admin, tag).await.contains("every conversation"),
        "the question says what removing does"
    );
    click(&admin, &format!("{tag} [data-ld=tag-remove-confirm]")).await;
    until(&admin, "the tag gone", || async {
        !visible(&admin, tag).await
    })
    .await;
    let tagged = "SELECT count(*) FROM conversation_tags WHERE site_id = $1 AND tag = $2";
    assert_eq!(rows(&app, tagged, "iade").await, 0);
    admin.close().await.ok();
}

/// The value of the input `css`.
async fn value_of(client: &Client, css: &str) -> String {
    client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.value : '';",
            vec![json!(css)],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// An admin creates an invitation link and sends it; the invitee opens it in their own
/// browser, chooses a name and password and is signed in; the link then no longer works,
/// and a revoked one never does.
#[tokio::test]
async fn an_invited_agent_opens_the_link_chooses_a_password_and_is_signed_in() {
    let app = TestApp::spawn().await;
    let base = app.node.origin();
    let driver = Driver::start();
    let (admin, _admin_profile) = driver.browser().await;
    sign_in(&admin, &base, &app.site.admin_email, PASSWORD).await;
    open_settings(&admin, &base, "agents").await;

    let email = "nur.new@example.com";
    type_into(
        &admin,
        "[data-ld=invite-new] input[name=invite_email]",
        email,
    )
    .await;
    click(&admin, "[data-ld=invite-create]").await;
    until(&admin, "the invitation link", || async {
        value_of(&admin, "[data-ld=invite-link]")
            .await
            .contains("#/invite/")
    })
    .await;
    let link = value_of(&admin, "[data-ld=invite-link]").await;
    assert!(
        link.starts_with(&format!("{base}/dashboard/")),
        "a link to this dashboard: {link}"
    );
    let row = format!("[data-ld=invite-row][data-email='{email}']");
    assert!(
        visible(&admin, &row).await,
        "the pending invitation is listed"
    );

    // The invitee opens the link in a browser of their own.
    let (invitee, _invitee_profile) = driver.browser().await;
    invitee.goto(&link).await.unwrap();
    until(&invitee, "the invitation page", || async {
        text_of(&invitee, "[data-ld=invite-for]")
            .await
            .contains(email)
    })
    .await;
    assert!(
        text_of(&invitee, "[data-ld=invite] h1")
            .await
            .contains("Acme Shoes")
    );
    type_into(
        &invitee,
        "[data-ld=invite-form] input[name=name]",
        "Nur New",
    )
    .await;
    type_into(
        &invitee,
        "[data-ld=invite-form] input[name=password]",
        "short",
    )
    .await;
    click(&invitee, "[data-ld=invite-accept]").await;
    until(&invitee, "the short password refused", || async {
        text_of(&invitee, "[data-ld=invite-error]")
            .await
            .contains("at least 10 characters")
    })
    .await;
    type_into(
        &invitee,
        "[data-ld=invite-form] input[name=password]",
        PASSWORD,
    )
    .await;
    click(&invitee, "[data-ld=invite-accept]").await;
    until(&invitee, "the new agent's workspace", || async {
        visible(&invitee, "[data-ld=page]").await
            && text_of(&invitee, "[data-ld=agent-name]").await == "Nur New"
    })
    .await;
    assert!(
        !visible(&invitee, "[data-ld=nav][data-page=settings]").await,
        "an agent sees no settings"
    );
    // Signed in for real: a reload keeps the session.
    invitee.refresh().await.unwrap();
    until(&invitee, "the workspace after a reload", || async {
        text_of(&invitee, "[data-ld=agent-name]").await == "Nur New"
    })
    .await;

    // The admin's page shows the new agent on the team without a reload, and no pending
    // invitation.
    until(&admin, "the new agent listed", || async {
        text_of(&admin, "[data-ld=agents-table]")
            .await
            .contains(email)
            && !visible(&admin, &row).await
    })
    .await;

    // The used link no longer works, in any browser.
    let (stranger, _stranger_profile) = driver.browser().await;
    stranger.goto(&link).await.unwrap();
    until(&stranger, "the used link refused", || async {
        text_of(&stranger, "[data-ld=invite-error]")
            .await
            .contains("not valid")
    })
    .await;

    // A revoked link never works.
    type_into(
        &admin,
        "[data-ld=invite-new] input[name=invite_email]",
        "late@example.com",
    )
    .await;
    click(&admin, "[data-ld=invite-create]").await;
    until(&admin, "the second link", || async {
        value_of(&admin, "[data-ld=invite-link]")
            .await
            .contains("#/invite/")
    })
    .await;
    let revoked = value_of(&admin, "[data-ld=invite-link]").await;
    assert_ne!(revoked, link);
    let late = "[data-ld=invite-row][data-email='late@example.com']";
    click(&admin, &format!("{late} [data-ld=invite-revoke]")).await;
    click(&admin, &format!("{late} [data-ld=invite-revoke-confirm]")).await;
    until(&admin, "the revoked invitation gone", || async {
        !visible(&admin, "[data-ld=invite-row]").await
    })
    .await;
    stranger.goto(&revoked).await.unwrap();
    until(&stranger, "the revoked link refused", || async {
        text_of(&stranger, "[data-ld=invite-error]")
            .await
            .contains("not valid")
    })
    .await;
    for client in [admin, invitee, stranger] {
        client.close().await.ok();
    }
}

/// An admin adds a department, gives an agent a routing profile in it, keeps the tag list,
/// and shapes the widget (texts and color with a live sketch, a pre-chat form, a proactive
/// invitation, another allowed origin); each lands in the database as set.
#[tokio::test]
async fn an_admin_sets_an_agents_routing_profile_the_tag_list_and_the_widget() {
    let app = TestApp::spawn().await;
    let base = app.node.origin();
    let driver = Driver::start();
    let (admin, _profile) = driver.browser().await;
    sign_in(&admin, &base, &app.site.admin_email, PASSWORD).await;

    // A department.
    open_settings(&admin, &base, "departments").await;
    type_into(
        &admin,
        "[data-ld=department-new] input[name=name]",
        "Billing",
    )
    .await;
    click(&admin, "[data-ld=department-new] [data-ld=department-save]").await;
    until(&admin, "Billing listed", || async {
        visible(&admin, "[data-ld=department][data-name=Billing]").await
    })
    .await;

    // Ali's routing profile: Billing, skills, languages, capacity, seniority, calls.
    open_settings(&admin, &base, "agents").await;
    click(
        &admin,
        &format!(
            "[data-ld=agent-row][data-email='{}'] [data-ld=agent-edit]",
            app.site.agent_email
        ),
    )
    .await;
    until(&admin, "the agent editor", || async {
        visible(&admin, "[data-ld=agent-editor]").await
    })
    .await;
    let editor = "[data-ld=agent-editor]";
    until(&admin, "Billing offered", || async {
        text_of(&admin, &format!("{editor} select[name=department]"))
            .await
            .contains("Billing")
    })
    .await;
    admin
        .find(Locator::Css(&format!("{editor} select[name=department]")))
        .await
        .unwrap()
        .select_by_label("Billing")
        .await
        .unwrap();
    type_into(
        &admin,
        &format!("{editor} input[name=skills]"),
        "Refunds, Invoices",
    )
    .await;
    type_into(&admin, &format!("{editor} input[name=languages]"), "tr, en").await;
    type_into(&admin, &format!("{editor} input[name=max_chats]"), "3").await;
    type_into(&admin, &format!("{editor} input[name=priority_level]"), "7").await;
    let calls = format!("{editor} input[name=accepts_calls]");
    let took_calls = admin
        .execute(
            "return document.querySelector(arguments[0]).checked",
            vec![json!(calls)],
        )
        .await
        .unwrap()
        == json!(true);
    click(&admin, &calls).await;
    click(&admin, &format!("{editor} [data-ld=agent-save]")).await;
    saved(&admin, editor).await;
    let stored: (Option<String>, Vec<String>, Vec<String>, i32, i16, bool) = sqlx::query_as(
        "SELECT d.name, a.skills, a.languages, a.max_chats, a.priority_level, a.accepts_calls
         FROM agents a LEFT JOIN departments d ON d.id = a.department_id WHERE lower(a.email) = lower($1)",
    )
    .bind(&app.site.agent_email)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored.5, !took_calls, "the calls box was switched");
    assert_eq!(
        (stored.0.as_deref(), stored.1, stored.2, stored.3, stored.4),
        (
            Some("Billing"),
            vec!["Refunds".to_owned(), "Invoices".to_owned()],
            vec!["tr".to_owned(), "en".to_owned()],
            3,
            7
        )
    );

    // The tag list: add one, then rename it.
    open_settings(&admin, &base, "tags").await;
    type_into(&admin, "[data-ld=tag-new] input[name=name]", "Refund").await;
    type_into(&admin, "[data-ld=tag-new] input[name=color]", "#0f766e").await;
    click(&admin, "[data-ld=tag-new] [data-ld=tag-save]").await;
    until(&admin, "the tag listed, lower-cased", || async {
        visible(&admin, "[data-ld=tag-row][data-name=refund]").await
    })
    .await;
    click(
        &admin,
        "[data-ld=tag-row][data-name=refund] [data-ld=tag-edit]",
    )
    .await;
    type_into(&admin, "[data-ld=tag-editor] input[name=name]", "refunds").await;
    click(&admin, "[data-ld=tag-editor] [data-ld=tag-save]").await;
    until(&admin, "the renamed tag", || async {
        visible(&admin, "[data-ld=tag-row][data-name=refunds]").await
            && !visible(&admin, "[data-ld=tag-row][data-name=refund]").await
    })
    .await;

    // The widget: the sketch follows the texts and color as they are typed.
    open_settings(&admin, &base, "widget").await;
    let form = "[data-ld=widget-form]";
    type_into(
        &admin,
        &format!("{form} input[name=welcome_message]"),
        "Merhaba! Size nasıl yardımcı olabiliriz?",
    )
    .await;
    type_into(
        &admin,
        &format!("{form} input[name=agent_name]"),
        "Acme Destek",
    )
    .await;
    type_into(
        &admin,
        &format!("{form} input[name=primary_color]"),
        "#0f766e",
    )
    .await;
    until(&admin, "the sketch with the new texts and color", || async {
        text_of(&admin, "[data-ld=sketch-welcome]").await.contains("Merhaba!")
            && text_of(&admin, "[data-ld=sketch-title]").await.contains("Acme Destek")
            && js(&admin, "return getComputedStyle(document.querySelector('[data-ld=sketch-title]')).backgroundColor").await
                == json!("rgb(15, 118, 110)")
    })
    .await;
    click(&admin, &format!("{form} input[name=prechat_enabled]")).await;
    click(&admin, &format!("{form} input[name=prechat-phone]")).await;
    click(&admin, &format!("{form} input[name=proactive_enabled]")).await;
    type_into(
        &admin,
        &format!("{form} input[name=proactive_message]"),
        "Kargo sorunuz mu var?",
    )
    .await;
    type_into(&admin, &format!("{form} input[name=time_on_page]"), "20").await;
    click(&admin, &format!("{form} [data-ld=widget-save]")).await;
    saved(&admin, form).await;
    let settings: serde_json::Value =
        sqlx::query_scalar("SELECT widget_settings FROM sites WHERE id = $1")
            .bind(app.site.id.0)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        settings["welcomeMessage"],
        "Merhaba! Size nasıl yardımcı olabiliriz?"
    );
    assert_eq!(settings["primaryColor"], "#0f766e");
    assert_eq!(settings["preChat"]["enabled"], true);
    assert_eq!(
        settings["preChat"]["fields"],
        json!(["name", "email", "phone"])
    );
    assert_eq!(
        settings["proactiveChat"]["message"],
        "Kargo sorunuz mu var?"
    );
    assert_eq!(settings["proactiveChat"]["triggers"]["timeOnPage"], 20);
    assert!(
        text_of(&admin, "[data-ld=embed-snippet]")
            .await
            .contains("Kargo sorunuz mu var?"),
        "the snippet carries the settings"
    );

    // Another allowed origin.
    let origins = "[data-ld=origins-form] textarea[name=origins]";
    let current = value_of(&admin, origins).await;
    type_into(
        &admin,
        origins,
        &format!("{current}\nhttps://blog.acme.example"),
    )
    .await;
    click(&admin, "[data-ld=origins-save]").await;
    saved(&admin, "[data-ld=origins-form]").await;
    let allowed: Vec<String> =
        sqlx::query_scalar("SELECT allowed_origins FROM sites WHERE id = $1")
            .bind(app.site.id.0)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        allowed.contains(&"https://blog.acme.example".to_owned())
            && allowed.contains(&"https://shop.example.com".to_owned()),
        "{allowed:?}"
    );
    admin.close().await.ok();
}
