-- What the widget reports about a visitor's visits besides the page: where they came from,
-- their browser, system and device, how many visits, and how far they scrolled.

ALTER TABLE visitors
    ADD COLUMN referrer     text CHECK (length(referrer) <= 2048),
    ADD COLUMN browser      text,
    ADD COLUMN os           text,
    ADD COLUMN device       text,
    ADD COLUMN visits       integer NOT NULL DEFAULT 0 CHECK (visits >= 0),
    ADD COLUMN scroll_depth smallint NOT NULL DEFAULT 0 CHECK (scroll_depth BETWEEN 0 AND 100);
