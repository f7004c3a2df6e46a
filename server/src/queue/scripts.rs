//! The Lua scripts that make taking from the queue atomic.

use std::sync::Arc;

use fred::types::scripts::Script;

/// KEYS[1] queue, KEYS[2] loads; ARGV[1] agent, ARGV[2] max chats.
/// Returns the conversation id taken, or nil.
const CLAIM_NEXT: &str = r#"
local active = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if active >= tonumber(ARGV[2]) then return false end
local head = redis.call('ZRANGE', KEYS[1], 0, 0)
if #head == 0 then return false end
redis.call('ZREM', KEYS[1], head[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return head[1]
"#;

/// KEYS[1] queue, KEYS[2] loads; ARGV[1] conversation, ARGV[2] agent, ARGV[3] max chats.
/// Returns 1 assigned, 0 agent full, -1 not waiting.
const ASSIGN: &str = r#"
local active = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
if active >= tonumber(ARGV[3]) then return 0 end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return -1 end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return 1
"#;

/// KEYS[1] loads; ARGV[1] agent. Never goes below zero.
const RELEASE: &str = r#"
local active = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if active <= 1 then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
return redis.status_reply('OK')
"#;

#[derive(Clone)]
pub struct Scripts {
    pub claim_next: Arc<Script>,
    pub assign: Arc<Script>,
    pub release: Arc<Script>,
}

impl Scripts {
    pub fn new() -> Self {
        Self {
            claim_next: Arc::new(Script::from_lua(CLAIM_NEXT)),
            assign: Arc::new(Script::from_lua(ASSIGN)),
            release: Arc::new(Script::from_lua(RELEASE)),
        }
    }
}
