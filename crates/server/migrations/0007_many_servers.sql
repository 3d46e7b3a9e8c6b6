-- Many servers on one database: the outbox is claimed with a lease and
-- retried per message, and the rate limits are kept here so that every
-- server counts against the same limit.

-- Which account an email is about, and whether it carries a verification
-- link (kind 'verify') or news of a check or status (kind 'status').
ALTER TABLE outbox ADD COLUMN tenant_id TEXT;
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'status';
-- Delivery: attempts so far, when the next may start, who holds it until
-- when, and, for a message that cannot be delivered, when and why.
ALTER TABLE outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN leased_until BIGINT;
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
CREATE INDEX outbox_due ON outbox (sent_at, failed_at, next_attempt_at);
CREATE INDEX outbox_tenant ON outbox (tenant_id, kind);

-- One row per limited key (e.g. 'sign_in_ip:203.0.113.7'): the generic
-- cell rate algorithm's theoretical arrival time, in milliseconds.
CREATE TABLE rate_limits (
    key  TEXT PRIMARY KEY,
    tat  BIGINT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);
