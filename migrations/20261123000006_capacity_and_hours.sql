-- How many chats an agent takes at once, and a site's business hours.

ALTER TABLE agents
    ADD COLUMN max_chats integer NOT NULL DEFAULT 5 CHECK (max_chats BETWEEN 1 AND 100);

-- The schedule as the admin console edits it (validated by the server before it is
-- stored). NULL: always open.
ALTER TABLE sites ADD COLUMN business_hours jsonb;
