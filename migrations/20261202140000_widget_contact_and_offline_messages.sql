-- What visitors tell about themselves in the widget (pre-chat form, updateVisitor) and the
-- messages they leave through the offline form.

ALTER TABLE visitors
    ADD COLUMN phone       text,
    ADD COLUMN custom_data jsonb NOT NULL DEFAULT '{}';

CREATE TABLE offline_messages (
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    visitor_id  uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone       text CHECK (length(phone) <= 40),
    message     text NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
    page_url    text CHECK (length(page_url) <= 2048),
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, visitor_id) REFERENCES visitors (site_id, id) ON DELETE CASCADE
);
CREATE INDEX offline_messages_site_idx ON offline_messages (site_id, created_at DESC);
