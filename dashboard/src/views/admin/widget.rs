//! The widget: the origins allowed to embed it, and its settings (appearance, texts,
//! pre-chat form, proactive invitation) whose result is the embed snippet to copy.
//!
//! The settings are the documented `data-config` options ([`WidgetSettings`]); the server
//! stores them (`PUT /api/v1/site/widget`) so the page shows them again. The preview is the
//! real loader on a page the server renders with the chosen `data-config`
//! (`/widget/preview`), beside a drawing of the open panel with the chosen texts.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::{
    AllowedOrigins, PreChat, PreChatField, ProactiveChat, SiteSettings, WidgetFeatures,
    WidgetSettings,
};

use super::{Feedback, FeedbackLine, LoadState, copy_to_clipboard, fetch, send};
use crate::desk::{Desk, Load};

#[component]
pub fn WidgetPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let site = RwSignal::new(None::<SiteSettings>);
    let load = RwSignal::new(Load::Loading);
    let reload = move || fetch(desk, "/api/v1/site", site, load);
    reload();
    view! {
        <LoadState load what="widget settings" retry=move |()| reload()>
            {move || site.get_untracked().map(|site| view! {
                <OriginsForm origins=site.allowed_origins.clone()/>
                <SettingsForm site/>
            })}
        </LoadState>
    }
}

#[component]
fn OriginsForm(origins: Vec<String>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let text = RwSignal::new(origins.join("\n"));
    let feedback = RwSignal::new(Feedback::Idle);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = AllowedOrigins {
            origins: super::split_list(&text.get_untracked()),
        };
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result =
                send::<_, AllowedOrigins>(desk, "PUT", "/api/v1/site/allowed-origins".into(), body)
                    .await;
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if let Ok(saved) = result {
                text.try_set(saved.origins.join("\n"));
            }
        });
    };
    view! {
        <form class="ld-admin__form" data-ld="origins-form" on:submit=save novalidate>
            <h3>"Allowed origins"</h3>
            <label class="ld-field"><span>"Pages of these origins may show the chat, one a line (https://shop.example.com)"</span>
                <textarea name="origins" rows="3" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="origins-save">"Save origins"</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}

/// `Some(text)`, or `None` for a blank field (the widget's default).
fn optional(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

#[component]
fn SettingsForm(site: SiteSettings) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let settings = RwSignal::new(site.widget.clone());
    let feedback = RwSignal::new(Feedback::Idle);
    let copied = RwSignal::new(false);
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let key = site.site_key.clone();
    let snippet = {
        let (origin, key) = (origin.clone(), key.clone());
        move || settings.with(|s| s.snippet(&origin, &key))
    };
    let preview_src = {
        let key = key.clone();
        move || {
            let config = settings.with(WidgetSettings::data_config);
            format!(
                "/widget/preview?site_key={}&config={}",
                js_sys::encode_uri_component(&key),
                js_sys::encode_uri_component(&config)
            )
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = settings.get_untracked();
        if let Err(error) = chosen.clone().parse() {
            feedback.set(Feedback::Failed(super::agents::capitalised(
                &error.to_string(),
            )));
            return;
        }
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result =
                send::<_, WidgetSettings>(desk, "PUT", "/api/v1/site/widget".into(), chosen).await;
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if let Ok(saved) = result {
                settings.try_set(saved);
            }
        });
    };
    let text_field = move |label: &'static str,
                           name: &'static str,
                           get: fn(&WidgetSettings) -> Option<String>,
                           set: fn(&mut WidgetSettings, Option<String>)| {
        view! {
            <label class="ld-field"><span>{label}</span>
                <input name=name type="text" prop:value=move || settings.with(|s| get(s).unwrap_or_default())
                    on:input=move |ev| settings.update(|s| set(s, optional(event_target_value(&ev))))/>
            </label>
        }
    };
    let feature = move |label: &'static str,
                        name: &'static str,
                        default: bool,
                        get: fn(&WidgetFeatures) -> Option<bool>,
                        set: fn(&mut WidgetFeatures, Option<bool>)| {
        view! {
            <label class="ld-check">
                <input type="checkbox" name=name
                    prop:checked=move || settings.with(|s| s.features.and_then(|f| get(&f)).unwrap_or(default))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        settings.update(|s| {
                            let mut f = s.features.unwrap_or_default();
                            // Only what differs from the widget's default goes into the snippet.
                            set(&mut f, (on != default).then_some(on));
                            s.features = (f != WidgetFeatures::default()).then_some(f);
                        });
                    }/>
                <span>{label}</span>
            </label>
        }
    };
    let pre_chat_field = move |field: PreChatField| {
        let asked = move || {
            settings.with(|s| {
                s.pre_chat
                    .as_ref()
                    .is_some_and(|p| p.fields.contains(&field))
            })
        };
        let required = move || {
            settings.with(|s| {
                s.pre_chat
                    .as_ref()
                    .is_some_and(|p| p.required.contains(&field))
            })
        };
        let toggle = move |list_required: bool, on: bool| {
            settings.update(|s| {
                let p = s.pre_chat.get_or_insert_with(PreChat::default);
                let list = if list_required {
                    &mut p.required
                } else {
                    &mut p.fields
                };
                list.retain(|f| *f != field);
                if on {
                    list.push(field);
                }
                if !list_required && !on {
                    p.required.retain(|f| *f != field);
                }
            });
        };
        view! {
            <div class="ld-admin__inline">
                <label class="ld-check"><input type="checkbox" name=format!("prechat-{}", field.label().to_lowercase())
                    prop:checked=asked on:change=move |ev| toggle(false, event_target_checked(&ev))/><span>{field.label()}</span></label>
                <label class="ld-check"><input type="checkbox" prop:checked=required prop:disabled=move || !asked()
                    on:change=move |ev| toggle(true, event_target_checked(&ev))/><span>"required"</span></label>
            </div>
        }
    };
    let number = |text: String| text.trim().parse::<u32>().ok();

    view! {
        <div class="ld-admin__split">
            <form class="ld-admin__form" data-ld="widget-form" on:submit=save novalidate>
                <h3>"Appearance and texts"</h3>
                <div class="ld-admin__grid">
                    <label class="ld-field"><span>"Primary color"</span>
                        <div class="ld-admin__inline">
                            <input type="color" aria-label="Pick the primary color"
                                prop:value=move || settings.with(|s| s.primary_color.clone().filter(|c| c.len() == 7).unwrap_or_else(|| "#4f46e5".into()))
                                on:input=move |ev| settings.update(|s| s.primary_color = Some(event_target_value(&ev)))/>
                            <input name="primary_color" type="text" placeholder="#4f46e5"
                                prop:value=move || settings.with(|s| s.primary_color.clone().unwrap_or_default())
                                on:input=move |ev| settings.update(|s| s.primary_color = optional(event_target_value(&ev)))/>
                        </div>
                    </label>
                    <label class="ld-field"><span>"Position"</span>
                        <select name="position" on:change=move |ev| settings.update(|s| s.position = optional(event_target_value(&ev)))>
                            <option value="" selected=site.widget.position.is_none()>"Right (default)"</option>
                            <option value="left" selected=site.widget.position.as_deref() == Some("left")>"Left"</option>
                            <option value="right" selected=site.widget.position.as_deref() == Some("right")>"Right"</option>
                        </select>
                    </label>
                    <label class="ld-field"><span>"Language"</span>
                        <select name="lang" on:change=move |ev| settings.update(|s| s.lang = optional(event_target_value(&ev)))>
                            <option value="" selected=site.widget.lang.is_none()>"The page's language (default)"</option>
                            <option value="en" selected=site.widget.lang.as_deref() == Some("en")>"English"</option>
                            <option value="tr" selected=site.widget.lang.as_deref() == Some("tr")>"Türkçe"</option>
                        </select>
                    </label>
                    {text_field("Welcome message", "welcome_message", |s| s.welcome_message.clone(), |s, v| s.welcome_message = v)}
                    {text_field("Composer placeholder", "placeholder_text", |s| s.placeholder_text.clone(), |s, v| s.placeholder_text = v)}
                    {text_field("Header title until an agent answers", "agent_name", |s| s.agent_name.clone(), |s, v| s.agent_name = v)}
                </div>
                <fieldset class="ld-admin__fieldset">
                    <legend>"Features"</legend>
                    {feature("Voice calls", "voice_call", false, |f| f.voice_call, |f, v| f.voice_call = v)}
                    {feature("Video calls", "video_call", false, |f| f.video_call, |f, v| f.video_call = v)}
                    {feature("File upload", "file_upload", true, |f| f.file_upload, |f, v| f.file_upload = v)}
                    {feature("Emoji", "emoticons", true, |f| f.emoticons, |f, v| f.emoticons = v)}
                    {feature("Tell agents when the visitor types", "typing", true, |f| f.typing, |f, v| f.typing = v)}
                    {feature("Sound", "sound", true, |f| f.sound, |f, v| f.sound = v)}
                </fieldset>
                <fieldset class="ld-admin__fieldset">
                    <legend>"Pre-chat form"</legend>
                    <label class="ld-check">
                        <input type="checkbox" name="prechat_enabled"
                            prop:checked=move || settings.with(|s| s.pre_chat.as_ref().is_some_and(|p| p.enabled))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                settings.update(|s| {
                                    if on {
                                        s.pre_chat.get_or_insert_with(|| PreChat { enabled: true, fields: vec![PreChatField::Name, PreChatField::Email], required: vec![] }).enabled = true;
                                    } else {
                                        s.pre_chat = None;
                                    }
                                });
                            }/>
                        <span>"Ask for details before the chat starts"</span>
                    </label>
                    <Show when=move || settings.with(|s| s.pre_chat.is_some())>
                        {PreChatField::ALL.map(pre_chat_field).collect_view()}
                    </Show>
                </fieldset>
                <fieldset class="ld-admin__fieldset">
                    <legend>"Proactive invitation"</legend>
                    <label class="ld-check">
                        <input type="checkbox" name="proactive_enabled"
                            prop:checked=move || settings.with(|s| s.proactive_chat.as_ref().is_some_and(|p| p.enabled))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                settings.update(|s| {
                                    if on {
                                        s.proactive_chat.get_or_insert_with(ProactiveChat::default).enabled = true;
                                    } else {
                                        s.proactive_chat = None;
                                    }
                                });
                            }/>
                        <span>"Invite visitors to chat"</span>
                    </label>
                    <Show when=move || settings.with(|s| s.proactive_chat.is_some())>
                        <div class="ld-admin__grid">
                            <label class="ld-field"><span>"Invitation text"</span>
                                <input name="proactive_message" type="text" placeholder="👋 Need any help?"
                                    prop:value=move || settings.with(|s| s.proactive_chat.as_ref().and_then(|p| p.message.clone()).unwrap_or_default())
                                    on:input=move |ev| settings.update(|s| if let Some(p) = &mut s.proactive_chat { p.message = optional(event_target_value(&ev)) })/>
                            </label>
                            <label class="ld-field"><span>"After seconds on the page"</span>
                                <input name="time_on_page" type="number" min="1" max="3600"
                                    prop:value=move || settings.with(|s| s.proactive_chat.as_ref().and_then(|p| p.triggers.time_on_page).map(|n| n.to_string()).unwrap_or_default())
                                    on:input=move |ev| settings.update(|s| if let Some(p) = &mut s.proactive_chat { p.triggers.time_on_page = number(event_target_value(&ev)) })/>
                            </label>
                            <label class="ld-field"><span>"After scrolling (%)"</span>
                                <input name="scroll_percentage" type="number" min="1" max="100"
                                    prop:value=move || settings.with(|s| s.proactive_chat.as_ref().and_then(|p| p.triggers.scroll_percentage).map(|n| n.to_string()).unwrap_or_default())
                                    on:input=move |ev| settings.update(|s| if let Some(p) = &mut s.proactive_chat { p.triggers.scroll_percentage = number(event_target_value(&ev)).and_then(|n| u8::try_from(n).ok()) })/>
                            </label>
                            <label class="ld-check">
                                <input type="checkbox" name="exit_intent"
                                    prop:checked=move || settings.with(|s| s.proactive_chat.as_ref().and_then(|p| p.triggers.exit_intent).unwrap_or(false))
                                    on:change=move |ev| settings.update(|s| if let Some(p) = &mut s.proactive_chat { p.triggers.exit_intent = event_target_checked(&ev).then_some(true) })/>
                                <span>"When the pointer leaves the window"</span>
                            </label>
                        </div>
                    </Show>
                </fieldset>
                <div class="ld-admin__buttons">
                    <button type="submit" class="ld-button ld-button--primary" data-ld="widget-save">"Save"</button>
                    <FeedbackLine feedback/>
                </div>
                <h3>"Embed snippet"</h3>
                <p class="ld-muted">"Paste this before </body> on every page of an allowed origin."</p>
                <pre class="ld-admin__snippet" data-ld="embed-snippet" tabindex="0">{snippet.clone()}</pre>
                <button type="button" class="ld-button" data-ld="snippet-copy" on:click=move |_| copied.set(copy_to_clipboard(&snippet()))>
                    {move || if copied.get() { "Copied" } else { "Copy snippet" }}
                </button>
            </form>
            <aside class="ld-admin__preview" data-ld="widget-preview">
                <h3>"Preview"</h3>
                <PanelSketch settings/>
                <iframe class="ld-admin__preview-frame" title="The launcher on a sample page" data-ld="widget-preview-frame" src=preview_src></iframe>
            </aside>
        </div>
    }
}

/// A drawing of the open chat panel with the chosen color and texts.
#[component]
fn PanelSketch(settings: RwSignal<WidgetSettings>) -> impl IntoView {
    let color =
        move || settings.with(|s| s.primary_color.clone().unwrap_or_else(|| "#4f46e5".into()));
    view! {
        <div class="ld-sketch" data-ld="widget-sketch" class:ld-sketch--left=move || settings.with(|s| s.position.as_deref() == Some("left"))>
            <div class="ld-sketch__head" style:background=color data-ld="sketch-title">
                {move || settings.with(|s| s.agent_name.clone().unwrap_or_else(|| "Chat with us".into()))}
            </div>
            <div class="ld-sketch__body">
                <p class="ld-sketch__bubble" data-ld="sketch-welcome">
                    {move || settings.with(|s| s.welcome_message.clone().unwrap_or_else(|| "Hi! How can we help?".into()))}
                </p>
                <Show when=move || settings.with(|s| s.pre_chat.as_ref().is_some_and(|p| p.enabled && !p.fields.is_empty()))>
                    <div class="ld-sketch__form">
                        {move || settings.with(|s| s.pre_chat.clone().unwrap_or_default()).fields.into_iter().map(|f| view! {
                            <span class="ld-sketch__input">{f.label()}</span>
                        }).collect_view()}
                    </div>
                </Show>
            </div>
            <div class="ld-sketch__composer" data-ld="sketch-placeholder">
                {move || settings.with(|s| s.placeholder_text.clone().unwrap_or_else(|| "Type a message…".into()))}
            </div>
        </div>
    }
}
