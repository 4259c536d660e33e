-- A rain's records are paged in the order their batches committed, not in journal seq order.
--
-- A settlement batch inserts its journal rows before it locks their rain, so that two consumers of one hot rain
-- write at the same time (bench/RESULTS.md, 2026-12-07). Their seqs are taken at the INSERT, so a batch that
-- waited for the rain commits after a batch with higher seqs. A reader paging by "seq > cursor" had already
-- passed those seqs and never saw the late batch: the bench's ledger poller missed 846-6,957 of 200,000 credits
-- a run with two loops, while the journal held every one of them.
--
-- Each batch now numbers itself per rain while it holds the rain's lock (rains.settle_batches) and records the
-- number with its transaction id (rain_batches). The lock is held to the commit, so batch numbers of one rain
-- commit in increasing order, and (batch_no, seq) is an order in which a reader never finds a row behind its
-- cursor. The journal row carries its transaction's id (settle_xact) by default, so no writer binds it.
ALTER TABLE rains ADD COLUMN settle_batches bigint NOT NULL DEFAULT 0;

-- pg_current_xact_id() is stable: existing rows all take this migration's transaction id, and so does their
-- batch 0 below. Inside a savepoint it still answers the top-level transaction's id.
ALTER TABLE transfers ADD COLUMN settle_xact xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE TABLE rain_batches (
    config_code text COLLATE "C" NOT NULL,
    batch_no    bigint NOT NULL CHECK (batch_no >= 0),
    xact        xid8   NOT NULL,
    PRIMARY KEY (config_code, batch_no)
);

INSERT INTO rain_batches (config_code, batch_no, xact)
SELECT DISTINCT config_code, 0, pg_current_xact_id() FROM transfers WHERE kind = 'GRAB';

-- The records' index: a batch's rows of a rain, in seq order. It replaces (config_code, seq), which only the
-- records read used, so a journal row still goes into as many indexes as before.
DROP INDEX transfers_grabs_by_rain;
CREATE INDEX transfers_grabs_by_batch ON transfers (config_code, settle_xact, seq) WHERE kind = 'GRAB';
