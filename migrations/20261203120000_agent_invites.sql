-- Invitations to join a site's team: a link that signs up one account, once, within a week.
-- The link's secret is shown to the admin once; only its SHA-256 is kept.

CREATE TABLE agent_invites (
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    role        agent_role NOT NULL CHECK (role <> 'superadmin'),
    token_hash  bytea NOT NULL UNIQUE,
    invited_by  uuid REFERENCES agents (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    -- Set in the transaction that creates the account, before the account row exists.
    accepted_by uuid REFERENCES agents (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    accepted_at timestamptz,
    revoked_at  timestamptz
);
-- The pending invitations of a site, and at most one per address.
CREATE UNIQUE INDEX agent_invites_pending_email ON agent_invites (site_id, lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
