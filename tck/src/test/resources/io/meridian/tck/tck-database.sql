-- The database behind the JDBC conformance suite (database "tck", schema public, exposed as "warehouse").
-- Expected values are always read back from here with plain PgJDBC, never written down twice.

-- One column per mapped type; row 2 is all NULL; the other rows hold boundary values.
-- Dates and timestamps include values before 1970 and values in gaps of the test JVM's zone (Asia/Kolkata moved its
-- clocks forward at midnight on 1906-01-01, 1941-10-01 and 1942-09-01) and of European zones (2021-03-28 02:30).
CREATE TABLE all_types (
  id integer PRIMARY KEY,
  c_smallint smallint,
  c_integer integer,
  c_bigint bigint,
  c_real real,
  c_double double precision,
  c_decimal numeric(38, 10),
  c_amount numeric(12, 2),
  c_boolean boolean,
  c_text text,
  c_varchar varchar(20),
  c_char char(5),
  c_date date,
  c_time time,
  c_timestamp timestamp,
  c_timestamptz timestamptz
);

INSERT INTO all_types VALUES
  (1, 42, 42, 123456789012, 3.25, 2.718281828459045, 12345.6789012345, 19.99, true,
   'hello', 'world', 'ab', DATE '2024-02-29', TIME '13:45:59.123', TIMESTAMP '2024-02-29 13:45:59.123456',
   TIMESTAMPTZ '2024-02-29 13:45:59.123456+00'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 32767, 2147483647, 9223372036854775807, 3.4028235e38, 1.7976931348623157e308,
   9999999999999999999999999999.9999999999, 9999999999.99, true,
   'Grüße, 世界 🌍 İı ǅ', 'Iİıi çğöşü', 'ÇĞİÖŞ', DATE '1969-12-31', TIME '23:59:59.999999',
   TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMPTZ '1969-12-31 23:59:59.999999+00'),
  (4, -32768, -2147483648, -9223372036854775808, -3.4028235e38, -1.7976931348623157e308,
   -9999999999999999999999999999.9999999999, -9999999999.99, false,
   '', '', '', DATE '1900-01-01', TIME '00:00:00', TIMESTAMP '1900-01-01 00:00:00',
   TIMESTAMPTZ '1900-01-01 00:00:00+00'),
  (5, 0, 0, 0, 0, 0.1, -0.0000000001, -1234.56, false,
   E'two\nlines\ttab "double" ''single'' \\ backslash', 'x', 'x', DATE '1942-09-01', TIME '12:00:00.5',
   TIMESTAMP '1942-09-01 00:30:00', TIMESTAMPTZ '1942-09-01 00:30:00+05:30'),
  (6, -1, -1, -1, -1.5, -0.000001, 0.0000000001, 0.01, true,
   'Ünïcödé ß', 'café', 'é', DATE '1941-10-01', TIME '01:02:03',
   TIMESTAMP '2021-03-28 02:30:00.000001', TIMESTAMPTZ '2021-03-28 01:30:00+00'),
  (7, 7, 7, 7, 1e-30, 1e-300, -0.5, -0.5, true,
   'a', 'b', 'c', DATE '1906-01-01', TIME '00:00:00.001',
   TIMESTAMP '1906-01-01 00:05:00', TIMESTAMPTZ '1906-01-01 00:05:00+05:21:10');

-- 200,000 rows for large-result, fetch-size and streaming tests. No parallel workers, so rows are produced in
-- physical (id) order and only as fast as the client fetches them.
CREATE TABLE big AS SELECT g::bigint AS id, 'payload-' || g AS payload FROM generate_series(1, 200000) g;
ALTER TABLE big ADD PRIMARY KEY (id);
ALTER TABLE big SET (parallel_workers = 0);

-- Fails with division by zero (SQLSTATE 22012) when row 150,000 is produced: a client that can read the first row
-- proves every layer streams; one that fails before the first row materialized the result somewhere.
CREATE VIEW big_fails_late AS SELECT id, payload, 100 / (150000 - id) AS boom FROM big;

-- One row per 0.1 s, 600 rows: about a minute in all, far longer than the bound the cancel and timeout tests allow
-- for stopping it. The sleep depends on the row, so PostgreSQL cannot evaluate it once and reuse it.
CREATE VIEW slow AS
  SELECT g AS id FROM generate_series(1, 600) g, LATERAL (SELECT pg_sleep(0.1 + 0 * g)) s;

ANALYZE;
