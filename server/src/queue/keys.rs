//! Redis keys of the queue. Every key of a site carries the hash tag `{s:<site>}`, so the
//! scripts touch one Redis Cluster slot.

use livedesk_protocol::ids::SiteId;

/// Sorted set: waiting conversation ids, lowest score first.
pub fn queue(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:queue")
}

/// Hash: agent id → number of open conversations assigned to the agent.
pub fn agent_load(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:load")
}

/// Marker that the site's queue was built from PostgreSQL.
pub fn built(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:queue:built")
}
