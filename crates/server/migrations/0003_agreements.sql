-- Accepted agreements: one row per tenant, agreement and version, so
-- accepting the same version twice changes nothing.
CREATE TABLE agreement_acceptances (
    tenant_id          TEXT NOT NULL REFERENCES partner_accounts (tenant_id) ON DELETE CASCADE,
    agreement_id       TEXT NOT NULL,
    version            TEXT NOT NULL,
    title              TEXT NOT NULL,
    signer_first_name  TEXT NOT NULL,
    signer_last_name   TEXT NOT NULL,
    signer_email       TEXT NOT NULL,
    signer_phone       TEXT NOT NULL,
    user_id            TEXT NOT NULL REFERENCES users (id),
    accepted_at        BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, agreement_id, version)
);
