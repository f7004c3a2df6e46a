-- The admin console: canned responses, the managed tag list, and the widget settings an
-- admin chose (the `data-config` of the embed snippet).

CREATE TABLE canned_responses (
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    -- "/thanks": a slash, then lower-case letters, digits, '-' and '_'.
    shortcut    text NOT NULL CHECK (shortcut ~ '^/[a-z0-9_-]{1,32}$'),
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX canned_responses_shortcut_key ON canned_responses (site_id, shortcut);

CREATE TABLE site_tags (
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    -- Normalised like conversation tags (lower case), so the two match exactly.
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    -- '#rrggbb', or none.
    color       text CHECK (color ~ '^#[0-9a-f]{6}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX site_tags_name_key ON site_tags (site_id, name);

ALTER TABLE sites ADD COLUMN widget_settings jsonb NOT NULL DEFAULT '{}';
