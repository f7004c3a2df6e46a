//! Sharing a file: the visitor picks an image or a PDF (up to 10 MB), the widget uploads it
//! (the server checks its content) and sends a message that refers to it, with a preview.

use livedesk_protocol::widget::{FileKind, MAX_UPLOAD_BYTES, UploadedFile, file_message_body};

use crate::app::Widget;
use crate::rest;
use crate::wire::ChatMessage;

/// The name and address of the file a message shares (`📎 <name>\n/api/v1/files/<id>`).
pub fn shared_file(body: &str) -> Option<(&str, &str)> {
    let (first, url) = body.strip_prefix("📎 ")?.split_once('\n')?;
    let id = url.strip_prefix("/api/v1/files/")?;
    (id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
        .then_some((first, url))
}

impl Widget {
    pub(crate) fn on_file_chosen(&mut self) {
        let Some(file) = self.view.file_input.files().and_then(|list| list.get(0)) else {
            return;
        };
        self.view.file_input.set_value("");
        if file.size() > MAX_UPLOAD_BYTES as f64 {
            return self.view.set_status(Some(self.texts.file_too_large));
        }
        let mime = file.type_();
        if FileKind::from_mime(&mime).is_none() {
            // The server decides by content; this only spares an upload that will fail.
            return self.view.set_status(Some(self.texts.file_kind));
        }
        self.flow.pending_file = Some(file);
        self.flush_file();
    }

    /// Uploads the file chosen, once there is a session to upload it with.
    pub(crate) fn flush_file(&mut self) {
        let Some(file) = self.flow.pending_file.take() else {
            return;
        };
        let Some(token) = self.session.as_ref().map(|s| s.visitor_token.clone()) else {
            self.flow.pending_file = Some(file);
            return self.view.set_status(Some(self.texts.connecting));
        };
        self.view.set_status(Some(self.texts.uploading));
        let mime = file.type_();
        let preview = mime
            .starts_with("image/")
            .then(|| web_sys::Url::create_object_url_with_blob(&file).ok())
            .flatten();
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = rest::upload_file(&token, &file.name(), &file).await;
            if let Some(w) = me.upgrade() {
                w.borrow_mut().uploaded(outcome, preview);
            }
        });
    }

    /// A stored message that shares a file gets its preview, fetched with the visitor token.
    pub(crate) fn preview_stored_file(&mut self, message: &ChatMessage) {
        let Some((name, url)) = shared_file(&message.body) else {
            return;
        };
        let Some(token) = self.session.as_ref().map(|s| s.visitor_token.clone()) else {
            return;
        };
        let (name, url, seq) = (name.to_owned(), url.to_owned(), message.seq);
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(blob) = rest::fetch_file(&token, &url).await else {
                return;
            };
            let Ok(object_url) = web_sys::Url::create_object_url_with_blob(&blob) else {
                return;
            };
            if let Some(w) = me.upgrade() {
                let image = blob.type_().starts_with("image/");
                w.borrow()
                    .view
                    .attach_stored_preview(seq, &object_url, &name, image);
            }
        });
    }

    fn uploaded(
        &mut self,
        outcome: Result<rest::Uploaded, rest::Failure>,
        preview: Option<String>,
    ) {
        match outcome {
            Ok(file) => {
                self.view.set_status(None);
                let body = file_message_body(&UploadedFile {
                    id: uuid::Uuid::try_parse(&file.id).unwrap_or_default(),
                    name: file.name.clone(),
                    mime: FileKind::Pdf,
                    size_bytes: 0,
                    url: file.url,
                });
                if let Some(cid) = self.send_text(&body) {
                    self.view
                        .attach_preview(cid, preview.as_deref(), &file.name);
                }
            }
            Err(message) => {
                let text = message.unwrap_or_else(|| self.texts.form_failed.into());
                self.view.set_status(Some(&text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shared_file;

    #[test]
    fn messages_that_share_a_file_are_recognised() {
        let id = "0b7f4a2e-8f0c-4c1e-9d53-3c2a1b0e9f11";
        let body = format!("📎 pixel.png\n/api/v1/files/{id}");
        assert_eq!(
            shared_file(&body),
            Some(("pixel.png", format!("/api/v1/files/{id}").as_str()))
        );
        for other in [
            "pixel.png\n/api/v1/files/x".to_owned(),
            format!("📎 pixel.png /api/v1/files/{id}"),
            "📎 a\n/api/v1/files/../../admin".to_owned(),
            "📎 a\nhttps://evil.example/api/v1/files/x".to_owned(),
        ] {
            assert_eq!(shared_file(&other), None, "{other}");
        }
    }
}
