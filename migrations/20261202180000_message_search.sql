-- Full-text search over messages for the agents' inbox. Both stemmers index every message
-- (a site's visitors write Turkish and English, often mixed), so "siparişim" finds
-- "siparişler" and "orders" finds "order".
ALTER TABLE messages
    ADD COLUMN search tsvector GENERATED ALWAYS AS
        (to_tsvector('english', body) || to_tsvector('turkish', body)) STORED;
CREATE INDEX messages_search_idx ON messages USING gin (search);
