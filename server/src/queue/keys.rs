//! Redis keys of the queue. Every key of a site carries the hash tag `{s:<site>}`, so the
//! scripts touch one Redis Cluster slot.

use livedesk_protocol::ids::SiteId;

use super::Line;

/// Sorted set: the line's waiting conversation ids, lowest score first.
pub fn queue(line: Line) -> String {
    match line.department {
        None => format!("ld:{{s:{}}}:queue", line.site),
        Some(department) => format!("ld:{{s:{}}}:queue:d:{department}", line.site),
    }
}

/// Set: the departments that have had a line in Redis since it was built, so every line of
/// a site can be found without PostgreSQL.
pub fn departments(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:queue:departments")
}

/// Hash: agent id → number of open conversations assigned to the agent.
pub fn agent_load(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:load")
}

/// Marker that the site's queue was built from PostgreSQL.
pub fn built(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:queue:built")
}
