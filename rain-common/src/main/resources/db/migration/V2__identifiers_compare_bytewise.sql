-- Identifiers compare byte by byte (COLLATE "C"). They are ASCII words (ids, codes, account names, enum names),
-- so their order and equality are the same as under the database's locale, but every btree step of their indexes
-- no longer goes through the locale's strcoll. A batch of grabs inserts 2,000 journal rows into five indexes
-- and upserts their wallets: settlement ran at 44,038 credits/s with the locale's collation (C.UTF-8) and 51,147
-- with "C" (bench/RESULTS.md, "Settlement", 2026-11-23). Free text (claim_anomalies.detail) keeps the locale.
-- Mixing a "C" column with a parameter or an unnest() of the default collation compares under "C", so the
-- indexes still serve every query.
ALTER TABLE accounts
    ALTER COLUMN account_id TYPE text COLLATE "C";

ALTER TABLE transfers
    ALTER COLUMN biz_id TYPE text COLLATE "C",
    ALTER COLUMN kind TYPE text COLLATE "C",
    ALTER COLUMN debit_account TYPE text COLLATE "C",
    ALTER COLUMN credit_account TYPE text COLLATE "C",
    ALTER COLUMN config_code TYPE text COLLATE "C",
    ALTER COLUMN user_id TYPE text COLLATE "C";

ALTER TABLE deposits
    ALTER COLUMN reference TYPE text COLLATE "C",
    ALTER COLUMN user_id TYPE text COLLATE "C";

ALTER TABLE rains
    ALTER COLUMN config_code TYPE text COLLATE "C",
    ALTER COLUMN room_id TYPE text COLLATE "C",
    ALTER COLUMN anchor_id TYPE text COLLATE "C",
    ALTER COLUMN mode TYPE text COLLATE "C",
    ALTER COLUMN status TYPE text COLLATE "C",
    ALTER COLUMN prepare_token TYPE text COLLATE "C",
    ALTER COLUMN best_luck_user TYPE text COLLATE "C",
    ALTER COLUMN best_luck_packet TYPE text COLLATE "C",
    ALTER COLUMN finisher_id TYPE text COLLATE "C";

ALTER TABLE claim_anomalies
    ALTER COLUMN config_code TYPE text COLLATE "C",
    ALTER COLUMN packet_id TYPE text COLLATE "C",
    ALTER COLUMN user_id TYPE text COLLATE "C",
    ALTER COLUMN reason TYPE text COLLATE "C";
