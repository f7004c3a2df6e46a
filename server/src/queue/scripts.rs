//! The Lua scripts that make taking from the queue atomic.

use std::sync::Arc;

use fred::types::scripts::Script;

/// KEYS[1] loads, KEYS[2..] the lines to take from; ARGV[1] agent, ARGV[2] max chats.
/// Takes the lowest-scored head of all the lines (on a tie, the earlier line).
/// Returns {conversation id, index of its line from 0}, or nil.
const CLAIM_NEXT: &str = r#"
local active = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if active >= tonumber(ARGV[2]) then return false end
local best, best_score, best_key = nil, nil, nil
for i = 2, #KEYS do
  local head = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
  if #head > 0 then
    local score = tonumber(head[2])
    if best_score == nil or score < best_score then
      best, best_score, best_key = head[1], score, i
    end
  end
end
if best == nil then return false end
redis.call('ZREM', KEYS[best_key], best)
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return {best, best_key - 2}
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

/// KEYS[1] loads; ARGV[1] agent handing over, ARGV[2] agent taking, ARGV[3] the taker's
/// max chats. Returns 1 moved, 0 the taker is full.
const TRANSFER: &str = r#"
local taker = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
if taker >= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
local giver = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if giver <= 1 then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
return 1
"#;

#[derive(Clone)]
pub struct Scripts {
    pub claim_next: Arc<Script>,
    pub assign: Arc<Script>,
    pub release: Arc<Script>,
    pub transfer: Arc<Script>,
}

impl Scripts {
    pub fn new() -> Self {
        Self {
            claim_next: Arc::new(Script::from_lua(CLAIM_NEXT)),
            assign: Arc::new(Script::from_lua(ASSIGN)),
            release: Arc::new(Script::from_lua(RELEASE)),
            transfer: Arc::new(Script::from_lua(TRANSFER)),
        }
    }
}
