-- A create may be answered 503 after its row committed (the reply was lost,
-- or the deadline passed as the commit returned). A client that sends an
-- Idempotency-Key header can retry it safely: the key is stored with the
-- link, at most once, and a retry with the same key gets the same code.
-- NULLs may repeat in a UNIQUE key, so links created without a key are not
-- constrained. One statement, so the column and its key come together.
-- Keys are printable ASCII (the service refuses anything else), compared
-- byte for byte.
ALTER TABLE links
    ADD COLUMN idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
    ADD UNIQUE KEY links_idempotency_key (idempotency_key);
