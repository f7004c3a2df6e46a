-- Authors may edit or delete their own messages for a short while after sending.
-- A deleted message keeps its place (seq) but loses its text.

ALTER TABLE messages
    ADD COLUMN edited_at timestamptz,
    ADD COLUMN deleted_at timestamptz,
    DROP CONSTRAINT messages_body_check,
    ADD CONSTRAINT messages_body_check CHECK (
        CASE WHEN deleted_at IS NULL THEN length(body) BETWEEN 1 AND 4000 ELSE body = '' END);
