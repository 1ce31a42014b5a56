-- the delivery lease of a callback
-- claimDueCallbacks leases a callback to one caller until leased_until, as in the PostgreSQL store.
ALTER TABLE callbacks ADD COLUMN leased_until INTEGER;
ALTER TABLE callbacks ADD COLUMN lease TEXT;
