//! Sharing a file: the visitor picks an image or a PDF (up to 10 MB), the widget uploads it
//! (the server checks its content) and sends a message that refers to it, with a preview.

use livedesk_protocol::widget::{FileKind, MAX_UPLOAD_BYTES, UploadedFile, file_message_body};

use crate::app::Widget;
use crate::rest;

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
        let Some(token) = self.session.as_ref().map(|s| s.visitor_token.clone()) else {
            return;
        };
        self.view.set_status(Some(self.texts.uploading));
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

    fn uploaded(
        &mut self,
        outcome: Result<rest::Uploaded, rest::Failure>,
        preview: Option<String>,
    ) {
        match outcome {
            Ok(file) => {
                self.view.set_status(None);
                let body = file_message_body(&UploadedFile {
                    id: file.id.parse().unwrap_or_default(),
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
