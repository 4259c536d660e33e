-- Every balance in the system. A viewer's or anchor's wallet is 'wallet:<userId>', a rain's escrow
-- is 'escrow:<configCode>'. No balance may ever go negative: this CHECK is the last line of defence
-- that keeps a rain from paying out more than it was funded with, whatever Redis says.
CREATE TABLE accounts (
    account_id text PRIMARY KEY,
    balance    bigint      NOT NULL CHECK (balance >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The journal. One row per money movement with both sides in it (double entry): the amount leaves
-- debit_account and enters credit_account. biz_id is the primary key, so a movement is applied at
-- most once however often it is redelivered. Deposits are the only money entering from outside.
CREATE TABLE transfers (
    seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    biz_id         text        PRIMARY KEY,
    kind           text        NOT NULL CHECK (kind IN ('DEPOSIT', 'FUND', 'GRAB', 'REFUND')),
    debit_account  text,
    credit_account text        NOT NULL,
    amount         bigint      NOT NULL CHECK (amount > 0),
    config_code    text,
    user_id        text        NOT NULL,
    grab_slot      integer,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'DEPOSIT') = (debit_account IS NULL)),
    CHECK ((kind = 'GRAB') = (grab_slot IS NOT NULL AND grab_slot > 0)),
    CHECK ((kind = 'DEPOSIT') = (config_code IS NULL))
);
CREATE INDEX transfers_by_credit ON transfers (credit_account, seq);
CREATE INDEX transfers_by_debit ON transfers (debit_account, seq) WHERE kind = 'FUND';
CREATE INDEX transfers_grabs_by_rain ON transfers (config_code, seq) WHERE kind = 'GRAB';
-- A viewer holds at most maxGrabsPerUser packets of a rain: every credited packet occupies one
-- numbered slot (1..maxGrabsPerUser, checked by the consumer), and a slot holds one packet.
CREATE UNIQUE INDEX transfers_grab_slots ON transfers (config_code, user_id, grab_slot) WHERE kind = 'GRAB';

-- Idempotency record of deposits: the same reference answers the same way forever.
CREATE TABLE deposits (
    reference     text        PRIMARY KEY,
    user_id       text        NOT NULL,
    amount        bigint      NOT NULL CHECK (amount > 0),
    balance_after bigint      NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rains (
    config_code          text        PRIMARY KEY,
    room_id              text        NOT NULL,
    anchor_id            text        NOT NULL,
    mode                 text        NOT NULL CHECK (mode IN ('LUCKY', 'EQUAL')),
    status               text        NOT NULL CHECK (status IN ('WAIT_PREPARE', 'PREPARED', 'RUNNING', 'FINISHED')),
    total_amount         bigint      NOT NULL CHECK (total_amount > 0),
    total_count          integer     NOT NULL CHECK (total_count > 0 AND total_amount >= total_count),
    max_grabs_per_user   integer     NOT NULL CHECK (max_grabs_per_user > 0),
    countdown_seconds    integer     NOT NULL CHECK (countdown_seconds >= 0),
    duration_seconds     integer     NOT NULL CHECK (duration_seconds > 0),
    shard_count          integer     CHECK (shard_count > 0),
    -- The token of the prepare whose packet lists were accepted; every shard must carry it.
    prepare_token        text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    prepared_at          timestamptz,
    starts_at            timestamptz,
    ends_at              timestamptz,
    sold_out_at          timestamptz,
    finished_at          timestamptz,
    -- Claims taken in Redis, frozen when the rain is closed: the finisher waits until the ledger has
    -- settled (or refused) this many before it refunds the rest.
    claimed_count        integer,
    claimed_amount       bigint,
    settled_count        integer     NOT NULL DEFAULT 0,
    settled_amount       bigint      NOT NULL DEFAULT 0,
    -- Claims the ledger refused (see claim_anomalies) whose packet was not credited to anyone.
    rejected_count       integer     NOT NULL DEFAULT 0,
    refunded_amount      bigint      NOT NULL DEFAULT 0,
    best_luck_user       text,
    best_luck_amount     bigint,
    best_luck_packet     text,
    best_luck_at         timestamptz,
    finisher_id          text,
    finisher_until       timestamptz,
    start_published      boolean     NOT NULL DEFAULT false,
    end_published        boolean     NOT NULL DEFAULT false,
    released             boolean     NOT NULL DEFAULT false,
    CHECK (settled_amount + refunded_amount <= total_amount)
);
CREATE INDEX rains_unfinished ON rains (status) WHERE status <> 'FINISHED' OR NOT released;

-- Claims that Redis answered WON but the ledger could not credit. Only a Redis that lost writes (or a
-- bug) puts rows here; reconciliation reports each one with its packet and viewer.
CREATE TABLE claim_anomalies (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    config_code text        NOT NULL,
    packet_id   text        NOT NULL,
    user_id     text        NOT NULL,
    amount      bigint      NOT NULL,
    occurred_at timestamptz NOT NULL,
    reason      text        NOT NULL CHECK (reason IN (
        'PACKET_ALREADY_CREDITED', 'OVER_USER_LIMIT', 'ESCROW_EXHAUSTED', 'RAIN_FINISHED', 'UNKNOWN_RAIN')),
    detail      text,
    detected_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (packet_id, user_id, occurred_at)
);
CREATE INDEX claim_anomalies_by_rain ON claim_anomalies (config_code, id);
