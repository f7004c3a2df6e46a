//! Which page the dashboard shows, kept in the address's hash (`#/visitors`,
//! `#/settings/agents`) so a reload, the back button and a shared link land on the same page.

use livedesk_protocol::api::Role;

/// A page of the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Inbox,
    Visitors,
    OfflineMessages,
    Settings(Settings),
}

/// The admin console's pages. Only admins and superadmins see them, and the server refuses
/// their requests from agents whatever the dashboard shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settings {
    Agents,
    Routing,
    BusinessHours,
    Widget,
    CannedResponses,
    Departments,
    Tags,
    /// Superadmins only: every site of the install.
    Sites,
}

impl Settings {
    pub const ALL: [Settings; 8] = [
        Settings::Agents,
        Settings::Routing,
        Settings::BusinessHours,
        Settings::Widget,
        Settings::CannedResponses,
        Settings::Departments,
        Settings::Tags,
        Settings::Sites,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Settings::Agents => "agents",
            Settings::Routing => "routing",
            Settings::BusinessHours => "business-hours",
            Settings::Widget => "widget",
            Settings::CannedResponses => "canned-responses",
            Settings::Departments => "departments",
            Settings::Tags => "tags",
            Settings::Sites => "sites",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Settings::Agents => "Agents",
            Settings::Routing => "Routing",
            Settings::BusinessHours => "Business hours",
            Settings::Widget => "Widget",
            Settings::CannedResponses => "Canned responses",
            Settings::Departments => "Departments",
            Settings::Tags => "Tags",
            Settings::Sites => "Sites",
        }
    }

    /// Whether someone with `role` may open this page.
    pub fn allowed(self, role: Role) -> bool {
        match self {
            Settings::Sites => role == Role::Superadmin,
            _ => matches!(role, Role::Admin | Role::Superadmin),
        }
    }
}

impl Page {
    /// Reads a location hash (`""`, `"#/"`, `"#/settings/routing"`). Unknown paths open the
    /// inbox rather than an error page.
    pub fn parse(hash: &str) -> Page {
        let path = hash.trim_start_matches('#').trim_matches('/');
        let mut parts = path.split('/');
        match (parts.next(), parts.next()) {
            (Some("visitors"), None) => Page::Visitors,
            (Some("offline-messages"), None) => Page::OfflineMessages,
            (Some("settings"), slug) => Settings::ALL
                .into_iter()
                .find(|s| Some(s.slug()) == slug)
                .map_or(Page::Settings(Settings::Agents), Page::Settings),
            _ => Page::Inbox,
        }
    }

    pub fn hash(self) -> String {
        match self {
            Page::Inbox => "#/".into(),
            Page::Visitors => "#/visitors".into(),
            Page::OfflineMessages => "#/offline-messages".into(),
            Page::Settings(s) => format!("#/settings/{}", s.slug()),
        }
    }

    /// The page to show to someone with `role`: a settings page they may not open becomes
    /// the inbox.
    pub fn for_role(self, role: Role) -> Page {
        match self {
            Page::Settings(s) if !s.allowed(role) => Page::Inbox,
            page => page,
        }
    }
}

/// The secret of an invitation link (`#/invite/<token>`), which opens the sign-up page
/// instead of any other.
pub fn invite_token(hash: &str) -> Option<String> {
    let token = hash
        .trim_start_matches('#')
        .trim_start_matches('/')
        .strip_prefix("invite/")?
        .trim_end_matches('/');
    (!token.is_empty() && token.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_links_carry_their_token() {
        assert_eq!(invite_token("#/invite/ab12"), Some("ab12".into()));
        assert_eq!(invite_token("#/invite/ab12/"), Some("ab12".into()));
        for hash in [
            "#/invite/",
            "#/invite",
            "#/settings/agents",
            "#/invite/a b",
            "#/invite/a/b",
        ] {
            assert_eq!(invite_token(hash), None, "{hash:?}");
        }
    }

    #[test]
    fn hashes_round_trip() {
        let mut pages = vec![Page::Inbox, Page::Visitors, Page::OfflineMessages];
        pages.extend(Settings::ALL.map(Page::Settings));
        for page in pages {
            assert_eq!(Page::parse(&page.hash()), page, "{page:?}");
        }
    }

    #[test]
    fn unknown_or_empty_paths_open_the_inbox() {
        for hash in ["", "#", "#/", "#/nothing", "#/visitors/extra"] {
            assert_eq!(Page::parse(hash), Page::Inbox, "{hash:?}");
        }
        assert_eq!(
            Page::parse("#/settings/nothing"),
            Page::Settings(Settings::Agents)
        );
    }

    #[test]
    fn agents_cannot_open_settings_and_admins_cannot_open_sites() {
        let agents = Page::Settings(Settings::Agents);
        let sites = Page::Settings(Settings::Sites);
        assert_eq!(agents.for_role(Role::Agent), Page::Inbox);
        assert_eq!(agents.for_role(Role::Admin), agents);
        assert_eq!(sites.for_role(Role::Admin), Page::Inbox);
        assert_eq!(sites.for_role(Role::Superadmin), sites);
        assert_eq!(Page::Visitors.for_role(Role::Agent), Page::Visitors);
    }
}
