-- One settlement batch of 2,000 new grabs of one hot rain, as FirstGrabsFastPath writes it, into copies of the ledger's
-- tables (bench/lock-order/run). The rain row locked first, as before 2a109eb.
\set base random(1, 1000000000000)
BEGIN;
SELECT settled_count FROM lock_order_rains WHERE config_code = 'X' FOR UPDATE;
INSERT INTO lock_order_transfers (biz_id, kind, debit_account, credit_account, amount, config_code, user_id, grab_slot, occurred_at)
  SELECT 'p' || :base::text || '-' || g, 'GRAB', 'escrow:X', 'wallet:u' || :base::text || '-' || g, 1, 'X', 'u' || :base::text || '-' || g, 1, now()
  FROM generate_series(1, 2000) g;
INSERT INTO lock_order_accounts (account_id, balance) SELECT 'wallet:u' || :base::text || '-' || g, 1 FROM generate_series(1, 2000) g
  ON CONFLICT (account_id) DO UPDATE SET balance = lock_order_accounts.balance + excluded.balance;
UPDATE lock_order_accounts SET balance = balance - 2000 WHERE account_id = 'escrow:X';
UPDATE lock_order_rains SET settled_count = settled_count + 2000 WHERE config_code = 'X';
COMMIT;
