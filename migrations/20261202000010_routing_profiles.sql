-- What routing needs to know: departments, each agent's skills, languages, department and
-- seniority, what a conversation asks for, VIP visitors, and per-department settings.

CREATE TABLE departments (
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- Visitors waiting for this department get +1 queue priority (the seed's Sales).
    urgent      boolean NOT NULL DEFAULT false,
    -- How this department's chats are routed; NULL: as the site routes.
    strategy    text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, id)
);
CREATE UNIQUE INDEX departments_site_name_key ON departments (site_id, lower(name));

ALTER TABLE agents
    ADD COLUMN department_id   uuid,
    -- Skill tags ("Teknik Destek", "Satış"), matched exactly.
    ADD COLUMN skills          text[] NOT NULL DEFAULT '{}',
    -- ISO 639-1 codes the agent chats in.
    ADD COLUMN languages       text[] NOT NULL DEFAULT '{en}',
    -- Seniority set by an admin; VIP visitors go to the highest.
    ADD COLUMN priority_level  smallint NOT NULL DEFAULT 0 CHECK (priority_level BETWEEN 0 AND 10),
    ADD COLUMN accepts_calls   boolean NOT NULL DEFAULT true,
    ADD CONSTRAINT agents_department_fkey FOREIGN KEY (site_id, department_id)
        REFERENCES departments (site_id, id) ON DELETE SET NULL (department_id);

-- Marked by the site's agents; VIPs get +4 queue priority and the most senior agent.
ALTER TABLE visitors ADD COLUMN vip boolean NOT NULL DEFAULT false;

ALTER TABLE conversations
    -- What the visitor asked for when the chat began (pre-chat form, page, browser).
    ADD COLUMN department_id    uuid,
    ADD COLUMN language         text CHECK (length(language) BETWEEN 2 AND 35),
    ADD COLUMN required_skills  text[] NOT NULL DEFAULT '{}',
    -- When the visitor started waiting this time (the chat began, or went back to the
    -- queue): the wait timeout counts from here. The queue's order and the priority's
    -- aging count from created_at, so a visitor sent back waits near the front.
    ADD COLUMN queued_at        timestamptz NOT NULL DEFAULT now(),
    -- Set once the visitor has been offered the offline form for waiting too long.
    ADD COLUMN wait_timed_out_at timestamptz,
    ADD CONSTRAINT conversations_department_fkey FOREIGN KEY (site_id, department_id)
        REFERENCES departments (site_id, id) ON DELETE SET NULL (department_id);
UPDATE conversations SET queued_at = created_at;
-- The queue's wait estimate reads the site's most recently closed chats.
CREATE INDEX conversations_site_closed_idx ON conversations (site_id, closed_at DESC)
    WHERE status = 'closed';

ALTER TABLE routing_settings
    -- How long a visitor waits before the widget offers the offline form.
    ADD COLUMN queue_timeout_secs integer NOT NULL DEFAULT 300 CHECK (queue_timeout_secs BETWEEN 1 AND 86400);

CREATE TABLE conversation_tags (
    site_id          uuid NOT NULL,
    conversation_id  uuid NOT NULL,
    tag              text NOT NULL CHECK (length(tag) BETWEEN 1 AND 40),
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations (site_id, id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_site_tag_idx ON conversation_tags (site_id, lower(tag));
