-- Voice and video calls between a visitor and an agent, one conversation each. A row is
-- the call's live state while it rings or runs (so any node can carry it on) and its
-- record once it is over.

CREATE TYPE call_outcome AS ENUM ('answered', 'missed', 'rejected', 'cancelled', 'failed');
CREATE TYPE call_ender AS ENUM ('visitor', 'agent', 'system');

CREATE TABLE calls (
    id               uuid PRIMARY KEY,
    site_id          uuid NOT NULL,
    conversation_id  uuid NOT NULL,
    visitor_id       uuid NOT NULL,
    -- The agent being rung or in the call; NULL while it waits in the call queue.
    agent_id         uuid REFERENCES agents (id) ON DELETE SET NULL,
    kind             text NOT NULL CHECK (kind IN ('voice', 'video')),
    -- A state of livedesk_signaling::CallState (never 'idle').
    state            text NOT NULL CHECK (state IN ('queued', 'ringing', 'connecting', 'active',
                                                    'ended', 'rejected', 'missed', 'cancelled', 'failed')),
    -- The visitor's cid of call_start: a retried start is the same call.
    client_id        uuid NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    -- While ringing or queued: when the call counts as missed.
    ring_deadline    timestamptz,
    answered_at      timestamptz,
    connected_at     timestamptz,
    ended_at         timestamptz,
    -- From answered_at to ended_at, in whole seconds; NULL for calls never answered.
    duration_secs    integer CHECK (duration_secs >= 0),
    outcome          call_outcome,
    ended_by         call_ender,
    -- Since when the visitor, or the agent rung or in the call, has had no live socket, as
    -- the sweep last saw it; the call fails once either is gone past the grace period.
    visitor_gone_since timestamptz,
    agent_gone_since   timestamptz,
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations (site_id, id) ON DELETE CASCADE,
    -- A call is over exactly when it has an outcome, an end and who ended it.
    CHECK ((outcome IS NULL) = (ended_at IS NULL) AND (outcome IS NULL) = (ended_by IS NULL)),
    UNIQUE (conversation_id, client_id)
);
-- One live call per conversation, and an agent is in (or rung for) one call at a time.
CREATE UNIQUE INDEX calls_one_live_per_conversation ON calls (conversation_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX calls_one_live_per_agent ON calls (agent_id) WHERE ended_at IS NULL AND agent_id IS NOT NULL;
-- The sweep's ring timeouts, queue and lost parties.
CREATE INDEX calls_live_idx ON calls (site_id, started_at) WHERE ended_at IS NULL;
CREATE INDEX calls_conversation_idx ON calls (conversation_id, started_at);
