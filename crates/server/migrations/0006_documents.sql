-- Supporting documents uploaded with Fix now for a rejected check. The
-- content is kept in the database (BYTEA: a blob in SQLite, bytes in
-- PostgreSQL), at most 5 MiB each.
CREATE TABLE check_documents (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES partner_accounts (tenant_id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    body         BYTEA NOT NULL,
    uploaded_by  TEXT NOT NULL REFERENCES users (id),
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX check_documents_tenant ON check_documents (tenant_id, kind);
