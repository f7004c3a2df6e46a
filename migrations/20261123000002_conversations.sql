-- Visitors, their conversations and the messages in them.

CREATE TABLE visitors (
    id            uuid PRIMARY KEY,
    site_id       uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name          text,
    email         text,
    first_origin  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, id)
);

CREATE TYPE conversation_status AS ENUM ('open', 'closed');

CREATE TABLE conversations (
    id               uuid PRIMARY KEY,
    site_id          uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    visitor_id       uuid NOT NULL,
    status           conversation_status NOT NULL DEFAULT 'open',
    -- The seq of the newest message. Raised in the same transaction as the insert of the
    -- message, under this row's lock, so seqs are gap-free and ordered.
    last_seq         bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_message_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site_id, id),
    FOREIGN KEY (site_id, visitor_id) REFERENCES visitors (site_id, id) ON DELETE CASCADE
);
-- A visitor has at most one open conversation at a time.
CREATE UNIQUE INDEX conversations_one_open_per_visitor
    ON conversations (visitor_id) WHERE status = 'open';
CREATE INDEX conversations_site_activity_idx ON conversations (site_id, last_message_at DESC);

CREATE TYPE author_kind AS ENUM ('visitor', 'agent', 'system');

CREATE TABLE messages (
    id               uuid PRIMARY KEY,
    site_id          uuid NOT NULL,
    conversation_id  uuid NOT NULL,
    seq              bigint NOT NULL CHECK (seq > 0),
    -- The sender's id for this frame: a retried send with the same id is stored once.
    client_id        uuid,
    author_kind      author_kind NOT NULL,
    author_agent_id  uuid REFERENCES agents (id) ON DELETE SET NULL,
    -- The agent's name when the message was written, as the visitor saw it.
    author_name      text,
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations (site_id, id) ON DELETE CASCADE,
    UNIQUE (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
);
