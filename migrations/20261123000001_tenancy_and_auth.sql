-- Sites (tenants), the accounts that work on them, and their sessions.

CREATE TABLE sites (
    id              uuid PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Public key that the embed snippet carries; not a secret.
    site_key        text NOT NULL UNIQUE CHECK (site_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    -- Origins (scheme://host[:port]) allowed to embed the widget.
    allowed_origins text[] NOT NULL DEFAULT '{}',
    suspended       boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE agent_role AS ENUM ('superadmin', 'admin', 'agent');

CREATE TABLE agents (
    id            uuid PRIMARY KEY,
    -- NULL only for superadmins, who work across sites.
    site_id       uuid REFERENCES sites (id) ON DELETE CASCADE,
    email         text NOT NULL,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash text NOT NULL,
    role          agent_role NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'superadmin') = (site_id IS NULL))
);
-- Logins are by e-mail alone, so an e-mail names one account across the installation.
CREATE UNIQUE INDEX agents_email_key ON agents (lower(email));
CREATE INDEX agents_site_idx ON agents (site_id);

CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    agent_id    uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    -- SHA-256 of the token: a stolen database does not yield usable tokens.
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_agent_idx ON refresh_tokens (agent_id);
