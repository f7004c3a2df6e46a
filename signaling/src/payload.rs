//! What the two peers of a call send each other through the server. The shapes are the
//! browser's own (`RTCSessionDescriptionInit`, `RTCIceCandidateInit`), so a client passes
//! them to and from its `RTCPeerConnection` unchanged. The server relays only what
//! [`SessionDescription::parse`] and [`IceCandidate::parse`] accept.

use serde::{Deserialize, Serialize};

/// Longest SDP the server relays, in bytes (a browser's offer with audio, video and a data
/// channel is 4–8 KiB; frames are at most 16 KiB).
pub const MAX_SDP_BYTES: usize = 12 * 1024;
/// Longest ICE candidate line, in bytes (real ones are 60–200).
pub const MAX_CANDIDATE_BYTES: usize = 1024;
/// Longest `sdpMid` and `usernameFragment`, in bytes.
const MAX_TAG_BYTES: usize = 256;

/// Voice only, or voice and video. Screen sharing replaces the video track of either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallKind {
    Voice,
    Video,
}

impl CallKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "voice",
            Self::Video => "video",
        }
    }

    pub fn parse(name: &str) -> Option<CallKind> {
        [Self::Voice, Self::Video]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SdpType {
    Offer,
    Answer,
}

/// An offer or an answer: `{"type": "offer", "sdp": "v=0\r\n…"}`. A new offer while the
/// call is connecting or active renegotiates (a track added, a camera switched on).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionDescription {
    #[serde(rename = "type")]
    pub kind: SdpType,
    pub sdp: String,
}

/// One ICE candidate, trickled: `{"candidate": "candidate:1 1 udp …", "sdpMid": "0",
/// "sdpMLineIndex": 0, "usernameFragment": "…"}`. An empty `candidate` marks the end of
/// the candidates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceCandidate {
    pub candidate: String,
    #[serde(rename = "sdpMid", default, skip_serializing_if = "Option::is_none")]
    pub sdp_mid: Option<String>,
    #[serde(
        rename = "sdpMLineIndex",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sdp_mline_index: Option<u16>,
    #[serde(
        rename = "usernameFragment",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub username_fragment: Option<String>,
}

/// A party's microphone and camera, for the other side's UI (an avatar while the camera is
/// off, a muted icon).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaState {
    pub audio_muted: bool,
    pub camera_off: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("the SDP is longer than {MAX_SDP_BYTES} bytes")]
    SdpTooLong,
    #[error("the SDP is malformed: {0}")]
    SdpMalformed(&'static str),
    #[error("the description must be of type {expected:?}")]
    WrongSdpType { expected: SdpType },
    #[error("the ICE candidate is longer than {MAX_CANDIDATE_BYTES} bytes")]
    CandidateTooLong,
    #[error("the ICE candidate is malformed: {0}")]
    CandidateMalformed(&'static str),
}

impl SessionDescription {
    /// Checks a description a client sent: of the `expected` type, at most
    /// [`MAX_SDP_BYTES`], starting with `v=0`, with `m=` sections, and no control
    /// characters but line ends.
    pub fn parse(self, expected: SdpType) -> Result<SessionDescription, PayloadError> {
        if self.kind != expected {
            return Err(PayloadError::WrongSdpType { expected });
        }
        if self.sdp.len() > MAX_SDP_BYTES {
            return Err(PayloadError::SdpTooLong);
        }
        if !self.sdp.starts_with("v=0") {
            return Err(PayloadError::SdpMalformed("it must start with v=0"));
        }
        if !self.sdp.lines().any(|line| line.starts_with("m=")) {
            return Err(PayloadError::SdpMalformed("it has no m= section"));
        }
        if has_control(&self.sdp, &['\r', '\n']) {
            return Err(PayloadError::SdpMalformed("it has control characters"));
        }
        Ok(self)
    }
}

impl IceCandidate {
    /// Checks a candidate a client sent: `candidate:…` (or empty, for the end of the
    /// candidates), at most [`MAX_CANDIDATE_BYTES`], one line, short tags.
    pub fn parse(self) -> Result<IceCandidate, PayloadError> {
        if self.candidate.len() > MAX_CANDIDATE_BYTES {
            return Err(PayloadError::CandidateTooLong);
        }
        if !self.candidate.is_empty() && !self.candidate.starts_with("candidate:") {
            return Err(PayloadError::CandidateMalformed(
                "it must start with `candidate:`",
            ));
        }
        let tags = [&self.sdp_mid, &self.username_fragment];
        if tags
            .iter()
            .copied()
            .flatten()
            .any(|t| t.len() > MAX_TAG_BYTES)
        {
            return Err(PayloadError::CandidateMalformed(
                "sdpMid or usernameFragment is too long",
            ));
        }
        let texts = std::iter::once(&self.candidate).chain(tags.into_iter().flatten());
        if texts.into_iter().any(|t| has_control(t, &[])) {
            return Err(PayloadError::CandidateMalformed(
                "it has control characters",
            ));
        }
        Ok(self)
    }
}

fn has_control(text: &str, allowed: &[char]) -> bool {
    text.chars()
        .any(|c| c.is_control() && !allowed.contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n";

    fn description(kind: SdpType, sdp: &str) -> SessionDescription {
        SessionDescription {
            kind,
            sdp: sdp.into(),
        }
    }

    fn candidate(line: &str) -> IceCandidate {
        IceCandidate {
            candidate: line.into(),
            sdp_mid: Some("0".into()),
            sdp_mline_index: Some(0),
            username_fragment: None,
        }
    }

    #[test]
    fn descriptions_are_checked() {
        let long = format!("{OFFER}{}", "a=x\r\n".repeat(MAX_SDP_BYTES / 5));
        let cases = [
            (description(SdpType::Offer, OFFER), SdpType::Offer, Ok(())),
            (
                description(SdpType::Answer, OFFER),
                SdpType::Offer,
                Err(PayloadError::WrongSdpType {
                    expected: SdpType::Offer,
                }),
            ),
            (
                description(SdpType::Offer, "hello"),
                SdpType::Offer,
                Err(PayloadError::SdpMalformed("it must start with v=0")),
            ),
            (
                description(SdpType::Offer, "v=0\r\ns=-\r\n"),
                SdpType::Offer,
                Err(PayloadError::SdpMalformed("it has no m= section")),
            ),
            (
                description(SdpType::Offer, &format!("{OFFER}a=\u{0}\r\n")),
                SdpType::Offer,
                Err(PayloadError::SdpMalformed("it has control characters")),
            ),
            (
                description(SdpType::Offer, &long),
                SdpType::Offer,
                Err(PayloadError::SdpTooLong),
            ),
        ];
        for (given, expected_type, expected) in cases {
            let got = given.clone().parse(expected_type).map(|_| ());
            assert_eq!(got, expected, "{given:?}");
        }
    }

    #[test]
    fn candidates_are_checked() {
        let line = "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host";
        let cases = [
            (candidate(line), Ok(())),
            (candidate(""), Ok(())),
            (
                candidate("a=candidate:1"),
                Err(PayloadError::CandidateMalformed(
                    "it must start with `candidate:`",
                )),
            ),
            (
                candidate(&format!("candidate:{}", "1".repeat(MAX_CANDIDATE_BYTES))),
                Err(PayloadError::CandidateTooLong),
            ),
            (
                candidate(&format!("{line}\r\na=evil")),
                Err(PayloadError::CandidateMalformed(
                    "it has control characters",
                )),
            ),
        ];
        for (given, expected) in cases {
            assert_eq!(given.clone().parse().map(|_| ()), expected, "{given:?}");
        }
    }

    #[test]
    fn payloads_have_the_browsers_shapes() {
        let raw = r#"{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"abcd"}"#;
        let parsed: IceCandidate = serde_json::from_str(raw).expect("a browser's candidate");
        assert_eq!(parsed.sdp_mline_index, Some(0));
        assert_eq!(serde_json::to_string(&parsed).expect("serialises"), raw);
        let offer: SessionDescription =
            serde_json::from_str(r#"{"type":"offer","sdp":"v=0"}"#).expect("a browser's offer");
        assert_eq!(offer.kind, SdpType::Offer);
    }
}
