-- When the account was first authorized: from then on its legal name is
-- locked, even if a later edit sends a check back to Pending.
ALTER TABLE partner_accounts ADD COLUMN authorized_at BIGINT;
UPDATE partner_accounts SET authorized_at = created_at WHERE vetting_status = 'authorized';
