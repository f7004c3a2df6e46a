-- Internal notes: agents' remarks on a conversation that its visitor never sees. They are
-- not messages (they take no seq), so the visitor's transcript has no gaps where they are.

CREATE TABLE conversation_notes (
    id               uuid PRIMARY KEY,
    site_id          uuid NOT NULL,
    conversation_id  uuid NOT NULL,
    -- The sender's id for this frame: a retried note is stored once.
    client_id        uuid NOT NULL,
    author_agent_id  uuid REFERENCES agents (id) ON DELETE SET NULL,
    author_name      text NOT NULL,
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations (site_id, id) ON DELETE CASCADE,
    UNIQUE (conversation_id, client_id)
);
CREATE INDEX conversation_notes_conversation_idx ON conversation_notes (conversation_id, created_at);
