-- Links are never updated except for their click count, and never deleted:
-- caches can keep them forever.
-- AUTO_INCREMENT numbers links; sharded deployments insert their own
-- time-ordered ids instead.
CREATE TABLE IF NOT EXISTS links (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    url        VARCHAR(2048)   NOT NULL,
    clicks     BIGINT          NOT NULL DEFAULT 0,
    created_at TIMESTAMP(6)    NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per click batch applied, so a redelivered batch is skipped.
CREATE TABLE IF NOT EXISTS click_batches (
    batch_id   VARCHAR(128) NOT NULL PRIMARY KEY,
    applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    KEY click_batches_applied_at (applied_at)
) ENGINE = InnoDB DEFAULT CHARSET = ascii;
