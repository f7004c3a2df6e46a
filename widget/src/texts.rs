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
};

#[cfg(test)]
mod tests {
    use super::*;

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
