//! The widget's own words, in English and Turkish. Site owners can override the welcome
//! message and the composer placeholder through `window.LivedeskConfig`.

/// The visitor's language, from the `lang` parameter of the frame URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Tr,
}

impl Lang {
    /// `tr`, `tr-TR`, `TR` … are Turkish; everything else (or nothing) is English.
    pub fn parse(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("tr") {
            Lang::Tr
        } else {
            Lang::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Tr => "tr",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Tr => &TR,
        }
    }
}

pub struct Texts {
    /// Header title until an agent answers; then the agent's name is shown.
    pub team: &'static str,
    pub subtitle: &'static str,
    pub welcome: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub close: &'static str,
    pub messages: &'static str,
    pub connecting: &'static str,
    pub reconnecting: &'static str,
    pub not_sent: &'static str,
    pub too_long: &'static str,
    pub not_configured: &'static str,
    pub agents_online: &'static str,
    pub busy: &'static str,
    pub offline: &'static str,
    pub on_break: &'static str,
    pub opens: &'static str,
    pub queue_place: &'static str,
    pub queue_wait: &'static str,
    pub leave_queue: &'static str,
    pub left_queue: &'static str,
    pub waited_too_long: &'static str,
    pub leave_message: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub message: &'static str,
    pub submit: &'static str,
    pub offline_thanks: &'static str,
    pub required: &'static str,
    pub bad_email: &'static str,
    pub form_failed: &'static str,
    pub prechat_title: &'static str,
    pub start_chat: &'static str,
    pub rate_title: &'static str,
    pub stars: &'static str,
    pub comment: &'static str,
    pub rate_send: &'static str,
    pub rated: &'static str,
    pub chat_ended: &'static str,
    pub typing: &'static str,
    pub someone: &'static str,
    pub emoji: &'static str,
    pub voice_call: &'static str,
    pub video_call: &'static str,
    pub receipt_sent: &'static str,
    pub receipt_delivered: &'static str,
    pub receipt_read: &'static str,
    pub attach: &'static str,
    pub uploading: &'static str,
    pub file_too_large: &'static str,
    pub file_kind: &'static str,
    pub calling: &'static str,
    pub call_queued: &'static str,
    pub call_connecting: &'static str,
    pub call_ended: &'static str,
    pub call_declined: &'static str,
    pub call_missed: &'static str,
    pub call_failed: &'static str,
    pub media_blocked: &'static str,
    pub mute: &'static str,
    pub camera: &'static str,
    pub share_screen: &'static str,
    pub hang_up: &'static str,
    pub remote_muted: &'static str,
    pub remote_sharing: &'static str,
}

static EN: Texts = Texts {
    team: "Support",
    subtitle: "We usually reply in a few minutes",
    welcome: "Hi! How can we help you today?",
    placeholder: "Type your message…",
    send: "Send",
    close: "Close chat",
    messages: "Conversation",
    connecting: "Connecting…",
    reconnecting: "Reconnecting…",
    not_sent: "Not sent",
    too_long: "This message is too long.",
    not_configured: "This chat is not set up correctly (missing site key).",
    agents_online: "Agents online",
    busy: "All our agents are busy right now",
    offline: "We are offline right now",
    on_break: "We are on a break",
    opens: "We open",
    queue_place: "Your place in line",
    queue_wait: "Estimated wait",
    leave_queue: "Leave the queue",
    left_queue: "You left the queue.",
    waited_too_long: "Sorry for the wait. You can keep waiting or leave us a message.",
    leave_message: "Leave us a message",
    name: "Name",
    email: "E-mail",
    phone: "Phone",
    message: "Message",
    submit: "Send",
    offline_thanks: "Thank you! We will answer you by e-mail.",
    required: "Please fill in the required fields.",
    bad_email: "Please enter a valid e-mail address.",
    form_failed: "Could not send. Please try again.",
    prechat_title: "Before we start, tell us who you are",
    start_chat: "Start chat",
    rate_title: "How was your chat?",
    stars: "of 5 stars",
    comment: "Comment (optional)",
    rate_send: "Send rating",
    rated: "Thank you for your feedback!",
    chat_ended: "The chat has ended.",
    typing: "is typing…",
    someone: "Support",
    emoji: "Emoji",
    voice_call: "Voice call",
    video_call: "Video call",
    receipt_sent: "Sent",
    receipt_delivered: "Delivered",
    receipt_read: "Read",
    attach: "Attach a file",
    uploading: "Sending the file…",
    file_too_large: "This file is larger than 10 MB.",
    file_kind: "Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.",
    calling: "Calling…",
    call_queued: "All agents are busy: you are in line",
    call_connecting: "Connecting…",
    call_ended: "Call ended",
    call_declined: "The call was declined",
    call_missed: "Nobody could take the call",
    call_failed: "The call could not connect",
    media_blocked: "Your microphone or camera is blocked or missing: allow it in the browser to call.",
    mute: "Mute",
    camera: "Camera",
    share_screen: "Share screen",
    hang_up: "Hang up",
    remote_muted: "Muted",
    remote_sharing: "Sharing the screen",
};

static TR: Texts = Texts {
    team: "Destek",
    subtitle: "Genellikle birkaç dakika içinde yanıt veriyoruz",
    welcome: "Merhaba! Size nasıl yardımcı olabiliriz?",
    placeholder: "Mesajınızı yazın…",
    send: "Gönder",
    close: "Sohbeti kapat",
    messages: "Sohbet",
    connecting: "Bağlanıyor…",
    reconnecting: "Yeniden bağlanıyor…",
    not_sent: "Gönderilemedi",
    too_long: "Bu mesaj çok uzun.",
    not_configured: "Bu sohbet doğru kurulmamış (site anahtarı eksik).",
    agents_online: "Çevrimiçi temsilci",
    busy: "Tüm temsilcilerimiz şu an meşgul",
    offline: "Temsilcilerimiz çevrimdışı",
    on_break: "Moladayız",
    opens: "Açılış",
    queue_place: "Sıranız",
    queue_wait: "Tahmini bekleme",
    leave_queue: "Kuyruktan çık",
    left_queue: "Kuyruktan çıktınız.",
    waited_too_long: "Beklettiğimiz için üzgünüz. Beklemeye devam edebilir ya da bize mesaj bırakabilirsiniz.",
    leave_message: "Bize mesaj bırakın",
    name: "Ad Soyad",
    email: "E-posta",
    phone: "Telefon",
    message: "Mesaj",
    submit: "Gönder",
    offline_thanks: "Teşekkürler! Size e-posta ile yanıt vereceğiz.",
    required: "Lütfen zorunlu alanları doldurun.",
    bad_email: "Lütfen geçerli bir e-posta adresi girin.",
    form_failed: "Gönderilemedi. Lütfen tekrar deneyin.",
    prechat_title: "Başlamadan önce kendinizi tanıtın",
    start_chat: "Sohbete başla",
    rate_title: "Sohbeti nasıl buldunuz?",
    stars: "/ 5 yıldız",
    comment: "Yorum (isteğe bağlı)",
    rate_send: "Değerlendirmeyi gönder",
    rated: "Geri bildiriminiz için teşekkürler!",
    chat_ended: "Sohbet sona erdi.",
    typing: "yazıyor…",
    someone: "Destek",
    emoji: "Emoji",
    voice_call: "Sesli arama",
    video_call: "Görüntülü arama",
    receipt_sent: "Gönderildi",
    receipt_delivered: "İletildi",
    receipt_read: "Okundu",
    attach: "Dosya ekle",
    uploading: "Dosya gönderiliyor…",
    file_too_large: "Bu dosya 10 MB'tan büyük.",
    file_kind: "Yalnızca resim (PNG, JPEG, GIF, WebP) ve PDF dosyaları gönderilebilir.",
    calling: "Aranıyor…",
    call_queued: "Tüm temsilciler meşgul: sıradasınız",
    call_connecting: "Bağlanıyor…",
    call_ended: "Arama sona erdi",
    call_declined: "Arama reddedildi",
    call_missed: "Aramayı yanıtlayan olmadı",
    call_failed: "Arama bağlanamadı",
    media_blocked: "Mikrofonunuz veya kameranız engelli ya da yok: aramak için tarayıcıda izin verin.",
    mute: "Sessize al",
    camera: "Kamera",
    share_screen: "Ekranı paylaş",
    hang_up: "Kapat",
    remote_muted: "Sessizde",
    remote_sharing: "Ekranını paylaşıyor",
};

/// A duration as a visitor reads it: `1 min 30 s`, `10 h 30 min`, `2 d 3 h` (`1 dk 30 sn`,
/// `10 sa 30 dk`, `2 g 3 sa` in Turkish); under a minute, seconds only.
pub fn duration(lang: Lang, secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    let [ud, uh, um, us] = match lang {
        Lang::En => ["d", "h", "min", "s"],
        Lang::Tr => ["g", "sa", "dk", "sn"],
    };
    let pair = |a: u64, ua: &str, b: u64, ub: &str| {
        if b == 0 {
            format!("{a} {ua}")
        } else {
            format!("{a} {ua} {b} {ub}")
        }
    };
    if d > 0 {
        pair(d, ud, h, uh)
    } else if h > 0 {
        pair(h, uh, m, um)
    } else if m > 0 && m < 10 {
        pair(m, um, s, us)
    } else if m > 0 {
        format!("{m} {um}")
    } else {
        format!("{s} {us}")
    }
}

/// "in 10 h 30 min" / "10 sa 30 dk sonra".
pub fn countdown(lang: Lang, secs: u64) -> String {
    match lang {
        Lang::En => format!("in {}", duration(lang, secs)),
        Lang::Tr => format!("{} sonra", duration(lang, secs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        let cases = [
            (0, "0 s", "0 sn"),
            (45, "45 s", "45 sn"),
            (90, "1 min 30 s", "1 dk 30 sn"),
            (120, "2 min", "2 dk"),
            (700, "11 min", "11 dk"),
            (37_800, "10 h 30 min", "10 sa 30 dk"),
            (7_200, "2 h", "2 sa"),
            (183_600, "2 d 3 h", "2 g 3 sa"),
        ];
        for (secs, en, tr) in cases {
            assert_eq!(duration(Lang::En, secs), en, "{secs}");
            assert_eq!(duration(Lang::Tr, secs), tr, "{secs}");
        }
        assert_eq!(countdown(Lang::En, 37_800), "in 10 h 30 min");
        assert_eq!(countdown(Lang::Tr, 37_800), "10 sa 30 dk sonra");
    }

    #[test]
    fn language_tags_choose_turkish_or_english() {
        let cases = [
            ("tr", Lang::Tr),
            ("tr-TR", Lang::Tr),
            ("TR_tr", Lang::Tr),
            ("en", Lang::En),
            ("de-DE", Lang::En),
            ("", Lang::En),
            ("trk", Lang::En),
        ];
        for (tag, expected) in cases {
            assert_eq!(Lang::parse(tag), expected, "{tag:?}");
        }
    }
}
