-- Files visitors upload in the widget (images and PDF), kept on disk under the data
-- directory; a message of the conversation refers to them.

CREATE TABLE uploaded_files (
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    visitor_id  uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    mime        text NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf')),
    size_bytes  bigint NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, visitor_id) REFERENCES visitors (site_id, id) ON DELETE CASCADE
);
CREATE INDEX uploaded_files_site_idx ON uploaded_files (site_id, created_at DESC);
