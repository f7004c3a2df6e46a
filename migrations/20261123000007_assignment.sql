-- Which agent a conversation is assigned to, and how each site routes new chats.

ALTER TABLE conversations
    ADD COLUMN assigned_agent_id uuid REFERENCES agents (id) ON DELETE SET NULL,
    ADD COLUMN assigned_at timestamptz;
-- The waiting queue is rebuilt from these after Redis loses it.
CREATE INDEX conversations_waiting_idx ON conversations (site_id, created_at)
    WHERE status = 'open' AND assigned_agent_id IS NULL;
CREATE INDEX conversations_agent_load_idx ON conversations (assigned_agent_id)
    WHERE status = 'open';

CREATE TABLE routing_settings (
    site_id      uuid PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    -- One of the routing strategies (round_robin, least_busy, skill_based, department,
    -- vip_priority, language).
    strategy     text NOT NULL DEFAULT 'least_busy',
    -- true: the server assigns; false: agents accept from the queue.
    auto_assign  boolean NOT NULL DEFAULT true
);
