-- the retention of delivered callbacks (CALLBACK_RETENTION_DAYS)
-- forgetDeliveredCallbacks deletes them oldest first, in batches, through this index.
CREATE INDEX callbacks_delivered_by_time ON callbacks (delivered_at) WHERE state = 'delivered';
