-- A create may be answered 503 after its row committed (the reply was lost,
-- or the deadline passed as the commit returned). A client that sends an
-- Idempotency-Key header can retry it safely: the key is stored with the
-- link, at most once, and a retry with the same key gets the same code.
-- NULLs are distinct in a unique index, so links created without a key
-- are not constrained. Building the index locks writes to links while it
-- runs: on a large table, build it CONCURRENTLY by hand first.
ALTER TABLE links ADD COLUMN IF NOT EXISTS idempotency_key TEXT;

CREATE UNIQUE INDEX IF NOT EXISTS links_idempotency_key ON links (idempotency_key);
