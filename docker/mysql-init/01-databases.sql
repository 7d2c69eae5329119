-- First start of the database container: the three DAS databases, the rights of the `das` user,
-- and a sample `orders` table to archive. The image's entrypoint runs this as root once, after it
-- has created the `das` user from MARIADB_USER/MARIADB_PASSWORD (or MYSQL_USER/MYSQL_PASSWORD), so
-- no password is written here. Works on MariaDB 10.11+ and MySQL 8.4.
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
SET time_zone = '+00:00';

CREATE DATABASE IF NOT EXISTS das_control CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS das_source CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS das_archive CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Control: DAS owns it and migrates it. Archive: DAS creates and extends the mirror tables.
GRANT ALL PRIVILEGES ON das_control.* TO 'das'@'%';
GRANT ALL PRIVILEGES ON das_archive.* TO 'das'@'%';
-- Source: what archiving needs and no more: read (with row locks) and delete. DAS never changes
-- the schema of a production database.
GRANT SELECT, DELETE ON das_source.* TO 'das'@'%';

-- A typical append-only business table: orders placed over the last three years, oldest first.
CREATE TABLE IF NOT EXISTS das_source.orders (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id INT NOT NULL,
  status VARCHAR(16) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  currency CHAR(3) NOT NULL,
  note TEXT NULL,
  payload JSON NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY idx_orders_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 6000 rows spread evenly over 3 * 365 days up to now (UTC). n = 1..6000 comes from a recursive
-- CTE of 0..99 joined with itself: shallow enough for MySQL's default cte_max_recursion_depth (1000).
-- Content is derived from n, so every install looks alike apart from the dates.
INSERT INTO das_source.orders (customer_id, status, amount, currency, note, payload, created_at, updated_at)
SELECT
  1000 + MOD(n * 7919, 5000),
  ELT(1 + MOD(n, 6), 'new', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'),
  MOD(n * 137, 100000) / 100 + 1,
  ELT(1 + MOD(n, 3), 'EUR', 'USD', 'GBP'),
  ELT(1 + MOD(n, 7), 'Leave at the door', 'Livraison express — fragile', 'Geschenkverpackung bitte 🎁',
      '請在下午送達', 'Позвонить заранее', 'Customer said "ASAP" ☕', NULL),
  IF(MOD(n, 50) = 0, NULL, JSON_OBJECT('items', 1 + MOD(n, 5), 'channel', IF(MOD(n, 2) = 1, 'web', 'app'))),
  created_at,
  IF(MOD(n, 3) = 0, created_at + INTERVAL MOD(n, 48) HOUR, NULL)
FROM (
  SELECT n, UTC_TIMESTAMP(6) - INTERVAL FLOOR((6000 - n + 0.5) * 94608000000000 / 6000) MICROSECOND AS created_at
  FROM (
    WITH RECURSIVE hundred (d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM hundred WHERE d < 99)
    SELECT 1 + high.d * 100 + low.d AS n FROM hundred AS high CROSS JOIN hundred AS low
  ) AS seq
  WHERE n <= 6000
) AS numbered
ORDER BY n;
