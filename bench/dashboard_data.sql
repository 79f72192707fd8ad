-- A year of returns for bench/dashboard.py, generated in bulk (not through the services).
-- :units, :merchants and :products are replaced by the script; statements end with ";\n".
-- The demo data (merchants 1-2, products 1-6, bins, stations, operators, users) already exists.
SELECT setseed(0.42);

INSERT INTO merchants (id, code, name, resale_discount_percent, default_decision,
                       decision_sla_hours, handling_fee, active, created_at)
SELECT 100 + g, 'BM' || lpad(g::text, 3, '0'), 'Продавец ' || g, 5 + g % 6,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'dispose' END, 48 + 24 * (g % 3), 250 + 25 * (g % 5),
       true, now() - interval '400 days'
FROM generate_series(1, :merchants) g;

INSERT INTO products (id, merchant_id, sku, title, category, price, marked, created_at)
SELECT 1000 + g, 101 + g % :merchants, 'BM-SKU-' || g,
       'Товар ' || g || ' — ' || (ARRAY['наушники', 'чайник', 'кроссовки', 'футболка', 'лампа',
                                        'блендер', 'мяч', 'чехол'])[1 + g % 8],
       (ARRAY['electronics', 'appliances', 'shoes', 'apparel', 'home', 'kitchen', 'sport',
              'accessories'])[1 + g % 8],
       1000 + (g * 37) % 60000, false, now() - interval '400 days'
FROM generate_series(1, :products) g;

DROP TABLE IF EXISTS bench_u;

-- One unit per return; a timeline per path (restock, repack, repair, non-returnable).
CREATE UNLOGGED TABLE bench_u AS
SELECT b.g, p.merchant_id, p.id AS product_id, p.price, b.created_at, k.rtype, k.market, k.path,
       CASE k.rtype
         WHEN 'cancelled_in_delivery' THEN 'cancelled'
         WHEN 'not_picked_up' THEN 'not_picked_up'
         WHEN 'claim_return' THEN CASE WHEN b.r2 < 0.5 THEN 'damaged_in_transit' ELSE 'wrong_item' END
         ELSE CASE WHEN b.r2 < 0.38 THEN 'changed_mind' WHEN b.r2 < 0.58 THEN 'defective'
                   WHEN b.r2 < 0.74 THEN 'not_as_described' WHEN b.r2 < 0.80 THEN 'wrong_item'
                   WHEN b.r2 < 0.81 THEN 'counterfeit' WHEN b.r2 < 0.90 THEN 'damaged_in_transit'
                   ELSE 'other' END
       END AS reason,
       b.r3, b.r4, b.r5, b.r6, t1.t_receive, t2.t_grade, t3.t_repair_done, t4.t_repack,
       t5.t_putaway, t6.t_decide, t6.decision, t7.t_settle
FROM (
  SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
         random() AS r6, random() AS r7, random() AS r8,
         now() - power(random(), 1.15) * interval '365 days' AS created_at
  FROM generate_series(1, :units) g
) b
JOIN products p ON p.id = 1001 + (b.g * 7) % :products
CROSS JOIN LATERAL (SELECT
  CASE WHEN b.r1 < 0.62 THEN 'customer_return' WHEN b.r1 < 0.76 THEN 'cancelled_in_delivery'
       WHEN b.r1 < 0.94 THEN 'not_picked_up' ELSE 'claim_return' END AS rtype,
  CASE WHEN b.r7 < 0.7 THEN 'kaspi' WHEN b.r7 < 0.9 THEN 'wildberries' ELSE 'ozon' END AS market,
  CASE WHEN b.r8 < 0.55 THEN 'restock' WHEN b.r8 < 0.70 THEN 'repack' WHEN b.r8 < 0.80 THEN 'repair'
       ELSE 'nonret' END AS path) k
CROSS JOIN LATERAL (SELECT b.created_at + interval '12 hours' + b.r3 * interval '60 hours' AS t_receive) t1
CROSS JOIN LATERAL (SELECT t1.t_receive + interval '30 minutes' + b.r4 * interval '30 hours' AS t_grade) t2
CROSS JOIN LATERAL (SELECT CASE WHEN k.path = 'repair'
  THEN t2.t_grade + interval '30 hours' + b.r5 * interval '70 hours' END AS t_repair_done) t3
CROSS JOIN LATERAL (SELECT CASE k.path
  WHEN 'repack' THEN t2.t_grade + interval '3 hours' + b.r5 * interval '27 hours'
  WHEN 'repair' THEN t3.t_repair_done + interval '2 hours' + b.r6 * interval '18 hours' END AS t_repack) t4
CROSS JOIN LATERAL (SELECT CASE k.path
  WHEN 'restock' THEN t2.t_grade + interval '1 hour' + b.r5 * interval '9 hours'
  WHEN 'nonret' THEN NULL
  ELSE t4.t_repack + interval '1 hour' + b.r6 * interval '7 hours' END AS t_putaway) t5
CROSS JOIN LATERAL (SELECT
  CASE WHEN k.path = 'nonret' THEN t2.t_grade + interval '2 hours' + b.r5 * interval '98 hours' END AS t_decide,
  CASE WHEN b.r6 < 0.40 THEN 'dispose' WHEN b.r6 < 0.85 THEN 'return_to_merchant' ELSE 'claim' END AS decision) t6
CROSS JOIN LATERAL (SELECT CASE WHEN t6.decision = 'claim'
  THEN t6.t_decide + interval '48 hours' + b.r3 * interval '250 hours' END AS t_settle) t7;

ALTER TABLE bench_u ADD COLUMN state text, ADD COLUMN since timestamptz, ADD COLUMN done_at timestamptz;

UPDATE bench_u SET (state, since, done_at) = (SELECT s.state, s.since,
    CASE WHEN s.state IN ('in_stock', 'disposed', 'returned_to_merchant', 'claim_settled') THEN s.since END
  FROM (SELECT CASE
    WHEN t_receive > now() THEN NULL
    WHEN t_grade > now() THEN 'received'
    WHEN path = 'nonret' AND t_decide > now() THEN 'awaiting_decision'
    WHEN path = 'nonret' AND decision = 'claim' AND t_settle > now() THEN 'claimed'
    WHEN path = 'nonret' AND decision = 'claim' THEN 'claim_settled'
    WHEN path = 'nonret' AND decision = 'dispose' THEN 'disposed'
    WHEN path = 'nonret' THEN 'returned_to_merchant'
    WHEN path = 'repair' AND t_repair_done > now() THEN 'in_repair'
    WHEN path IN ('repack', 'repair') AND t_repack > now() THEN 'awaiting_repack'
    WHEN t_putaway > now() THEN 'awaiting_putaway'
    ELSE 'in_stock' END AS state,
  CASE
    WHEN t_receive > now() THEN NULL
    WHEN t_grade > now() THEN t_receive
    WHEN path = 'nonret' AND t_decide > now() THEN t_grade
    WHEN path = 'nonret' AND decision = 'claim' AND t_settle > now() THEN t_decide
    WHEN path = 'nonret' AND decision = 'claim' THEN t_settle
    WHEN path = 'nonret' THEN t_decide
    WHEN path = 'repair' AND t_repair_done > now() THEN t_grade
    WHEN path = 'repair' AND t_repack > now() THEN t_repair_done
    WHEN path = 'repack' AND t_repack > now() THEN t_grade
    WHEN t_putaway > now() THEN coalesce(t_repack, t_grade)
    ELSE t_putaway END AS since) s);

INSERT INTO return_orders (id, number, merchant_id, marketplace, order_code, external_id,
  return_type, reason, state, announced, customer_ref, order_value, reverse_logistics_cost,
  ordered_at, expected_at, receiving_started_at, received_at, completed_at, station_id, flags,
  created_at)
SELECT 1000 + g, 'RB-' || g, merchant_id, market,
       CASE market WHEN 'kaspi' THEN (600000000 + g)::text WHEN 'wildberries' THEN 'WB-' || (7000000000 + g)
            ELSE (10000000 + g) || '-0001-1' END,
       'bench-' || g, rtype, reason,
       CASE WHEN state IS NULL THEN 'expected' WHEN done_at IS NOT NULL THEN 'completed' ELSE 'received' END,
       true,
       CASE WHEN rtype = 'not_picked_up' AND r5 < 0.05 THEN 'ABUSER-' || (g % 50)
            ELSE 'C' || ((g::bigint * 7919) % 300000) END,
       price, 900 + (g * 13) % 1700,
       created_at - CASE WHEN rtype = 'not_picked_up' THEN interval '7 days' + r4 * interval '14 days'
                         ELSE interval '1 day' + r4 * interval '9 days' END,
       t_receive,
       CASE WHEN state IS NOT NULL THEN t_receive - interval '5 minutes' END,
       CASE WHEN state IS NOT NULL THEN t_receive END,
       done_at, 1, '{}'::jsonb, created_at
FROM bench_u;

INSERT INTO units (id, lpn, merchant_id, product_id, return_order_id, state, grade, condition,
  channel, disposition, checks, needs_remarking, bin_id, value, received_at, graded_at,
  putaway_at, reintegrated_at, terminal_at, state_since, decision_due_at, updated_at, created_at)
SELECT g, 'LPN' || lpad(g::text, 10, '0'), merchant_id, product_id, 1000 + g, state,
       CASE WHEN state = 'received' THEN NULL WHEN path IN ('restock', 'repack') THEN 'resellable'
            WHEN path = 'repair' THEN 'repair' ELSE 'non_returnable' END,
       CASE WHEN state = 'received' THEN NULL WHEN path = 'restock' THEN 'new'
            WHEN path = 'repack' THEN CASE WHEN r3 < 0.5 THEN 'new' ELSE 'used' END END,
       CASE WHEN state = 'received' OR path = 'nonret' THEN NULL
            WHEN path = 'restock' OR (path = 'repack' AND r3 < 0.5) THEN 'main' ELSE 'resale' END,
       CASE WHEN state = 'received' THEN NULL WHEN path = 'restock' THEN 'restock_main'
            WHEN path = 'repack' THEN 'repack_restock' WHEN path = 'repair' THEN 'resale'
            WHEN state IN ('awaiting_decision') THEN 'await_decision'
            WHEN decision = 'claim' THEN 'claim' ELSE decision END,
       '[]'::jsonb, false,
       CASE WHEN state = 'in_stock' THEN
         CASE WHEN path = 'restock' OR (path = 'repack' AND r3 < 0.5) THEN bins.main ELSE bins.resale END
       END,
       price, t_receive,
       CASE WHEN state <> 'received' THEN t_grade END,
       CASE WHEN state = 'in_stock' THEN t_putaway END,
       CASE WHEN state = 'in_stock' AND t_putaway < now() - interval '1 day' AND r5 < 0.8
            THEN t_putaway + interval '5 seconds' + r6 * interval '10 minutes' END,
       done_at, since,
       CASE WHEN state = 'awaiting_decision' THEN t_grade + interval '72 hours' END,
       now(), t_receive
FROM bench_u
CROSS JOIN (SELECT min(b.id) FILTER (WHERE z.kind = 'stock_main') AS main,
                   min(b.id) FILTER (WHERE z.kind = 'stock_resale') AS resale
            FROM bins b JOIN zones z ON z.id = b.zone_id) bins
WHERE state IS NOT NULL;

-- The audit trail of every unit (what the services would have written).
INSERT INTO audit_events (entity, entity_id, action, from_state, to_state, operator_id, station_id,
                          actor, payload, created_at)
SELECT 'unit', u.g, e.action, e.from_state, e.to_state, 1 + u.g % 3, e.station, 'bench',
       '{}'::jsonb, e.at
FROM bench_u u
CROSS JOIN LATERAL (VALUES
  ('receive', NULL, 'received', u.t_receive, 1),
  (CASE u.path WHEN 'restock' THEN 'grade_restock' WHEN 'repair' THEN 'grade_repair'
               WHEN 'nonret' THEN 'grade_non_returnable' ELSE 'grade_repack' END,
   'received',
   CASE u.path WHEN 'restock' THEN 'awaiting_putaway' WHEN 'repair' THEN 'in_repair'
               WHEN 'nonret' THEN 'awaiting_decision' ELSE 'awaiting_repack' END,
   u.t_grade, 2),
  ('repair_done', 'in_repair', 'awaiting_repack', u.t_repair_done, 3),
  ('repack', 'awaiting_repack', 'awaiting_putaway', u.t_repack, 4),
  ('putaway', 'awaiting_putaway', 'in_stock', u.t_putaway, 5),
  ('decide_' || u.decision, 'awaiting_decision',
   CASE u.decision WHEN 'dispose' THEN 'disposed' WHEN 'claim' THEN 'claimed'
                   ELSE 'returned_to_merchant' END, u.t_decide, NULL),
  ('claim_compensated', 'claimed', 'claim_settled', u.t_settle, NULL)
) AS e(action, from_state, to_state, at, station)
WHERE e.at IS NOT NULL AND e.at <= now() AND u.t_receive <= now();

INSERT INTO audit_events (entity, entity_id, action, from_state, to_state, station_id, actor,
                          payload, created_at)
SELECT 'return_order', 1000 + g, e.action, e.from_state, e.to_state, e.station, 'bench',
       '{}'::jsonb, e.at
FROM bench_u
CROSS JOIN LATERAL (VALUES ('announce', NULL, 'expected', created_at, NULL::int),
                           ('close', 'receiving', 'received', t_receive, 1)) AS e(action, from_state, to_state, at, station)
WHERE e.at <= now();

INSERT INTO stock_ledger (merchant_id, product_id, channel, bin_id, kind, quantity, reserved_delta,
                          unit_id, reference, actor, created_at)
SELECT merchant_id, product_id, channel, bin_id, 'return_putaway', 1, 0, id, lpn, 'bench', putaway_at
FROM units WHERE state = 'in_stock' AND id <= :units ORDER BY putaway_at;

INSERT INTO stock_levels (merchant_id, product_id, channel, bin_id, quantity, updated_at)
SELECT merchant_id, product_id, channel, bin_id, count(*), max(putaway_at)
FROM units WHERE state = 'in_stock' AND product_id > 1000
GROUP BY merchant_id, product_id, channel, bin_id;

INSERT INTO stock_totals (merchant_id, product_id, channel, on_hand, reserved, version, updated_at)
SELECT merchant_id, product_id, channel, count(*), 0, count(*), max(putaway_at)
FROM units WHERE state = 'in_stock' AND product_id > 1000
GROUP BY merchant_id, product_id, channel;

INSERT INTO outbox (topic, key, payload, status, attempts, available_at, processed_at, created_at)
SELECT 'stock.changed', 'stock:' || merchant_id || ':' || product_id || ':main', '{}'::jsonb, 'done',
       1, putaway_at, putaway_at + interval '2 seconds', putaway_at
FROM units WHERE state = 'in_stock' AND id % 2 = 0;

INSERT INTO outbox (topic, key, payload, status, attempts, available_at, last_error, created_at)
SELECT CASE WHEN g % 4 = 0 THEN 'merchant.receipt_closed' ELSE 'stock.changed' END,
       'stock:bench:' || g, '{}'::jsonb,
       CASE WHEN g <= 40 THEN 'parked' ELSE 'pending' END,
       CASE WHEN g <= 40 THEN 12 WHEN g % 7 = 0 THEN 2 ELSE 0 END,
       now() - g * interval '1 second',
       CASE WHEN g <= 40 THEN 'Ozon: SKU_NOT_FOUND offer_id BM-SKU-' || g END,
       now() - g * interval '1 second'
FROM generate_series(1, 340) g;

INSERT INTO floor_exceptions (kind, status, station_id, merchant_id, return_order_id, message,
                              payload, resolved_at, resolved_by, resolution, created_at)
SELECT 'missing_line', CASE WHEN t_receive > now() - interval '1 day' THEN 'open' ELSE 'resolved' END,
       1, merchant_id, 1000 + g, 'RB-' || g || ': BM-SKU × 1', '{}'::jsonb,
       CASE WHEN t_receive <= now() - interval '1 day' THEN t_receive + interval '3 hours' END,
       CASE WHEN t_receive <= now() - interval '1 day' THEN 'supervisor' END,
       CASE WHEN t_receive <= now() - interval '1 day' THEN 'акт составлен' END,
       t_receive
FROM bench_u WHERE g % 37 = 0 AND t_receive <= now();

INSERT INTO marketplace_accounts (id, merchant_id, marketplace, name, settings, feed_token_hash,
                                  active, created_at)
SELECT 100 + g, 100 + g, 'kaspi', 'Kaspi', '{}'::jsonb, md5('bench' || g) || md5('feed' || g), true,
       now() - interval '400 days'
FROM generate_series(1, :merchants) g;

INSERT INTO feed_fetches (account_id, remote_addr, user_agent, offers, bytes, status, created_at)
SELECT 100 + a, '194.187.247.1', 'Kaspi feed fetcher', 100, 40000, 200, t
FROM generate_series(1, :merchants) a
CROSS JOIN generate_series(now() - interval '30 days', now(), interval '15 minutes') t;

INSERT INTO merchant_order_counts (merchant_id, marketplace, day, completed_orders, source, updated_at)
SELECT 100 + m, 'kaspi', d::date, 100 + (m * 37 + extract(doy FROM d)::int * 11) % 900, 'bench', now()
FROM generate_series(1, :merchants) m
CROSS JOIN generate_series(now() - interval '365 days', now(), interval '1 day') d;

INSERT INTO job_heartbeats (name, beat_at, info) VALUES
  ('stock-sync-1', now() - interval '3 seconds', '{"batch": 500}'),
  ('stock-sync-2', now() - interval '7 seconds', '{"batch": 500}'),
  ('returns-import', now() - interval '20 minutes', '{}');

INSERT INTO scan_events (station_id, event_id, code, kind, scanned_at, received_at, operator_id,
                         offline, result, response)
SELECT 1 + g % 6, md5('scan' || g), 'LPN' || lpad(g::text, 10, '0'), 'lpn',
       date_trunc('day', now()) + (g % 600) * interval '1 minute',
       date_trunc('day', now()) + (g % 600) * interval '1 minute', 1 + g % 3, false,
       CASE WHEN g % 33 = 0 THEN 'error' ELSE 'ok' END, '{}'::jsonb
FROM generate_series(1, 4000) g;

SELECT setval(pg_get_serial_sequence('merchants', 'id'), (SELECT max(id) FROM merchants));

SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT max(id) FROM products));

SELECT setval(pg_get_serial_sequence('return_orders', 'id'), (SELECT max(id) FROM return_orders));

SELECT setval(pg_get_serial_sequence('units', 'id'), (SELECT max(id) FROM units));

SELECT setval(pg_get_serial_sequence('marketplace_accounts', 'id'), (SELECT max(id) FROM marketplace_accounts));

DROP TABLE bench_u;

VACUUM ANALYZE;
