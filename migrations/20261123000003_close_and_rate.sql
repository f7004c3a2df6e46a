-- Closing conversations and the visitor's rating of them.

ALTER TABLE conversations
    ADD COLUMN closed_at timestamptz,
    ADD CONSTRAINT conversations_closed_at_matches_status
        CHECK ((status = 'closed') = (closed_at IS NOT NULL));

CREATE TABLE conversation_ratings (
    conversation_id  uuid PRIMARY KEY,
    site_id          uuid NOT NULL,
    -- 1 (very bad) to 5 (very good), as the widget asks after a chat closes.
    score            smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment          text CHECK (length(comment) <= 1000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations (site_id, id) ON DELETE CASCADE
);
