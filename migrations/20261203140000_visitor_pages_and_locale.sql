-- The pages a visitor opened, the newest 50 kept (the agents' "pages visited"), and where
-- their browser says it is: its time zone and language.

CREATE TABLE visitor_pages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visitor_id uuid NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    url        text NOT NULL CHECK (length(url) <= 2048),
    title      text NOT NULL DEFAULT '' CHECK (length(title) <= 300),
    viewed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visitor_pages_recent ON visitor_pages (visitor_id, id DESC);

ALTER TABLE visitors
    ADD COLUMN time_zone text CHECK (length(time_zone) <= 64),
    ADD COLUMN language  text CHECK (length(language) <= 35);
