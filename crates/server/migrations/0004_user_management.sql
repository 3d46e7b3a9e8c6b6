-- User management: a user added by an admin signs in with a temporary
-- password and must choose their own; the list is paged in name order.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
-- A removed user keeps their row (enrollments and agreement records point
-- at it) but loses their email, password, roles and sessions.
ALTER TABLE users ADD COLUMN removed_at BIGINT;
CREATE INDEX users_tenant_name ON users (tenant_id, last_name, first_name, email);
