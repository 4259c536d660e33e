-- The lists of rains: an anchor's, newest first, and a room's, unfinished before finished, each newest first.
-- Each list's query walks its index in order from the cursor and stops at the page's limit.
CREATE INDEX rains_by_anchor ON rains (anchor_id, created_at DESC, config_code DESC);
CREATE INDEX rains_by_room ON rains (room_id, (status = 'FINISHED'), created_at DESC, config_code DESC);
