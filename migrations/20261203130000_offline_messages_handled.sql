-- Offline messages can be marked handled (and reopened) by the site's agents.

ALTER TABLE offline_messages
    ADD COLUMN handled_at timestamptz,
    -- NULL with `handled_at` set: the agent who handled it has been deleted.
    ADD COLUMN handled_by uuid REFERENCES agents (id) ON DELETE SET NULL,
    ADD CHECK (handled_by IS NULL OR handled_at IS NOT NULL);

