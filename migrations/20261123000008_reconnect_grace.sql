-- How long an agent may be disconnected before their open chats go to someone else.
ALTER TABLE routing_settings
    ADD COLUMN reconnect_grace_secs integer NOT NULL DEFAULT 60 CHECK (reconnect_grace_secs BETWEEN 0 AND 3600);
