package io.meridian.server.demo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.RandomAccess;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;

/**
 * The demo data set of a music streaming company: accounts, artists, tracks, subscriptions, payments and plays,
 * generated from a seed (the same seed and scale give the same rows on every machine) and loaded with {@link #load}.
 *
 * <p>Shape: signups grow over 2021-01-01..2025-06-30; each account holds one to a few consecutive subscriptions
 * (free, premium, family, student); paid subscriptions are billed monthly in the account's currency until they end or
 * until the end of the period. Plays (about 200 per account) fall between an account's creation and the end of the
 * period; heavy listeners and popular tracks are drawn more often; about a quarter are skips (under 30 seconds).
 * Some values are NULL on purpose: unknown city or birth year, artists without country or genre, tracks without
 * release date, {@code ended_at} of subscriptions still running, and the country of plays whose location is
 * unknown.
 *
 * <p>Plays (a million at scale 1, about 200 per account) are never held in memory: the plays table's rows are a
 * random-access list that computes row {@code i} on demand from its own random stream, derived from the seed and
 * {@code i}. So the same play is the same whether PostgreSQL's COPY or the lake's writer reads it, in any order.
 */
public final class DemoData {
  /** The seed the demo uses. */
  public static final long DEFAULT_SEED = 20_211_001L;

  /** Rows of each table at scale 1 (payments and subscriptions follow from accounts). */
  public static final int ACCOUNTS = 5000;
  public static final int ARTISTS = 500;
  public static final int TRACKS = 5000;
  /** Plays at scale 1: about 200 per account. */
  public static final int PLAYS = 1_000_000;

  /**
   * The version of the generator: change it whenever a change to this class changes the rows generated from a seed,
   * so that copies kept from an earlier run (the demo's lake) are rebuilt rather than reused.
   */
  public static final int GENERATOR_VERSION = 2;

  /** The first and last day of the data set. */
  public static final LocalDate FIRST_DAY = LocalDate.of(2021, 1, 1);
  public static final LocalDate LAST_DAY = LocalDate.of(2025, 6, 30);

  private static final OffsetDateTime END = LAST_DAY.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);

  /** Table names in load order (parents first). */
  public static final List<String> TABLES = List.of("accounts", "artists", "tracks", "subscriptions", "payments",
      "plays");

  private static final String CREATE_TABLES = """
      CREATE TABLE accounts (
        account_id integer NOT NULL,
        email text NOT NULL,
        country char(2) NOT NULL,
        city text,
        signup_date date NOT NULL,
        birth_year integer,
        created_at timestamptz NOT NULL);
      CREATE TABLE artists (
        artist_id integer NOT NULL,
        name text NOT NULL,
        country char(2),
        genre text);
      CREATE TABLE tracks (
        track_id integer NOT NULL,
        artist_id integer NOT NULL,
        title text NOT NULL,
        duration_ms integer NOT NULL,
        release_date date,
        explicit boolean NOT NULL,
        price numeric(6,2) NOT NULL);
      CREATE TABLE subscriptions (
        subscription_id integer NOT NULL,
        account_id integer NOT NULL,
        plan text NOT NULL CHECK (plan IN ('free', 'premium', 'family', 'student')),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        monthly_price numeric(8,2) NOT NULL);
      CREATE TABLE payments (
        payment_id integer NOT NULL,
        account_id integer NOT NULL,
        subscription_id integer NOT NULL,
        paid_at timestamp without time zone NOT NULL,
        amount numeric(10,2) NOT NULL,
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('paid', 'failed', 'refunded')));
      CREATE TABLE plays (
        play_id bigint NOT NULL,
        account_id integer NOT NULL,
        track_id integer NOT NULL,
        played_at timestamptz NOT NULL,
        ms_played integer NOT NULL CHECK (ms_played >= 0),
        device text NOT NULL,
        country char(2))""";

  /** Keys after the load: faster than checking each row, and the same result. */
  private static final String ADD_KEYS = """
      ALTER TABLE accounts ADD PRIMARY KEY (account_id);
      ALTER TABLE artists ADD PRIMARY KEY (artist_id);
      ALTER TABLE tracks ADD PRIMARY KEY (track_id);
      ALTER TABLE subscriptions ADD PRIMARY KEY (subscription_id);
      ALTER TABLE payments ADD PRIMARY KEY (payment_id);
      ALTER TABLE plays ADD PRIMARY KEY (play_id);
      ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);
      ALTER TABLE tracks ADD CONSTRAINT tracks_artist_fk FOREIGN KEY (artist_id) REFERENCES artists;
      ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_account_fk FOREIGN KEY (account_id) REFERENCES accounts;
      ALTER TABLE payments ADD CONSTRAINT payments_account_fk FOREIGN KEY (account_id) REFERENCES accounts;
      ALTER TABLE payments ADD CONSTRAINT payments_subscription_fk
        FOREIGN KEY (subscription_id) REFERENCES subscriptions;
      ALTER TABLE plays ADD CONSTRAINT plays_account_fk FOREIGN KEY (account_id) REFERENCES accounts;
      ALTER TABLE plays ADD CONSTRAINT plays_track_fk FOREIGN KEY (track_id) REFERENCES tracks;
      CREATE INDEX payments_paid_at_idx ON payments (paid_at);
      CREATE INDEX plays_played_at_idx ON plays (played_at);
      CREATE INDEX subscriptions_account_idx ON subscriptions (account_id);
      CREATE VIEW account_plans AS
        SELECT DISTINCT ON (account_id) account_id, plan, started_at AS plan_since
        FROM subscriptions ORDER BY account_id, started_at DESC, subscription_id DESC""";

  private static final String DROP_TABLES = "DROP VIEW IF EXISTS account_plans; DROP TABLE IF EXISTS plays, payments, subscriptions, tracks, artists, accounts";

  /** A country: its currency, how local prices relate to US prices, how many accounts it has, and some cities. */
  private record Country(String code, String currency, double priceFactor, int decimals, int weight,
      List<String> cities) {}

  private static final List<Country> COUNTRIES = List.of(
      new Country("US", "USD", 1.0, 2, 30, List.of("New York", "Los Angeles", "Chicago", "Austin", "Seattle")),
      new Country("GB", "GBP", 1.0, 2, 10, List.of("London", "Manchester", "Bristol", "Glasgow")),
      new Country("DE", "EUR", 1.0, 2, 9, List.of("Berlin", "Hamburg", "München", "Köln")),
      new Country("FR", "EUR", 1.0, 2, 7, List.of("Paris", "Lyon", "Marseille", "Toulouse")),
      new Country("BR", "BRL", 2.0, 2, 8, List.of("São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba")),
      new Country("IN", "INR", 12.0, 2, 8, List.of("Mumbai", "Delhi", "Bengaluru", "Chennai")),
      new Country("JP", "JPY", 100.0, 0, 6, List.of("Tokyo", "Osaka", "Sapporo", "Fukuoka")),
      new Country("MX", "MXN", 12.0, 2, 5, List.of("Ciudad de México", "Guadalajara", "Monterrey")),
      new Country("ES", "EUR", 0.9, 2, 5, List.of("Madrid", "Barcelona", "Valencia", "Sevilla")),
      new Country("CA", "CAD", 1.3, 2, 4, List.of("Toronto", "Montréal", "Vancouver")),
      new Country("AU", "AUD", 1.5, 2, 4, List.of("Sydney", "Melbourne", "Brisbane")),
      new Country("SE", "SEK", 11.0, 2, 3, List.of("Stockholm", "Göteborg", "Malmö")),
      new Country("NL", "EUR", 1.0, 2, 3, List.of("Amsterdam", "Rotterdam", "Utrecht")),
      new Country("PL", "PLN", 2.0, 2, 3, List.of("Warszawa", "Kraków", "Wrocław")),
      new Country("KR", "KRW", 1000.0, 0, 3, List.of("Seoul", "Busan")));

  private static final int TOTAL_WEIGHT = COUNTRIES.stream().mapToInt(Country::weight).sum();

  /** Plans and their US monthly price; free costs nothing and is never billed. */
  private static final List<String> PLANS = List.of("free", "premium", "family", "student");
  private static final double[] PLAN_PRICE = {0.0, 10.99, 16.99, 5.99};
  private static final double[] FIRST_PLAN_WEIGHT = {0.40, 0.36, 0.11, 0.13};

  private static final List<String> GENRES = List.of("pop", "rock", "hip-hop", "electronic", "jazz", "classical",
      "r&b", "country", "latin", "indie", "metal", "folk", "k-pop", "reggaeton");

  private static final List<String> FIRST_NAMES = List.of("Anna", "Ben", "Chloé", "David", "Emma", "Felix",
      "Grace", "Hiro", "Isabel", "Jonas", "Kenji", "Lucía", "Maya", "Noah", "Olivia", "Pedro", "Quinn", "Rosa",
      "Sven", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yuki", "Zoe");

  private static final List<String> LAST_NAMES = List.of("Smith", "Müller", "García", "Silva", "Kim", "Tanaka",
      "Nowak", "Johansson", "Dubois", "Rossi", "Patel", "O'Brien", "López", "Chen", "Brown", "Schmidt");

  private static final List<String> ADJECTIVES = List.of("Velvet", "Electric", "Silent", "Golden", "Midnight",
      "Neon", "Broken", "Wild", "Crystal", "Paper", "Lonely", "Burning", "Hollow", "Northern", "Lucky", "Blue");

  private static final List<String> NOUNS = List.of("River", "Ghost", "Engine", "Garden", "Comet", "Harbor",
      "Mirror", "Fox", "Signal", "Echo", "Horizon", "Tide", "Lantern", "Orchid", "Satellite", "Heart");

  private static final List<String> EMAIL_DOMAINS = List.of("example.com", "example.net", "mail.example.org");

  /** Devices plays come from, and how often. */
  private static final List<String> DEVICES = List.of("mobile", "desktop", "web", "tv", "car", "smart_speaker");
  private static final double[] DEVICE_WEIGHT = {0.55, 0.18, 0.10, 0.07, 0.06, 0.04};

  /** Rows per COPY statement. */
  private static final int COPY_CHUNK = 50_000;

  /** Plays shorter than this are skips. */
  private static final int SKIP_MS = 30_000;

  private static final BigDecimal[] TRACK_PRICES = {new BigDecimal("0.99"), new BigDecimal("1.29"),
      new BigDecimal("1.49")};

  private final int scale;
  private final long seed;

  /** The demo data set at scale 1 with the default seed. */
  public DemoData() {
    this(1, DEFAULT_SEED);
  }

  /**
   * @param scale multiplies the number of accounts, artists and tracks (and so of everything else), 1..1000
   * @param seed the random seed
   */
  public DemoData(int scale, long seed) {
    if (scale < 1 || scale > 1000) {
      throw new IllegalArgumentException("scale must be between 1 and 1000, got " + scale);
    }
    this.scale = scale;
    this.seed = seed;
  }

  public int scale() {
    return scale;
  }

  public long seed() {
    return seed;
  }

  /** The number of plays at this scale. */
  public int playCount() {
    return PLAYS * scale;
  }

  /** The rows of one table, in column order; values are String, Integer, Long, Boolean, BigDecimal or java.time
   * types. */
  public record Table(String name, List<String> columns, List<List<Object>> rows) {
    public Table {
      requireNonNull(name, "name is null");
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      rows = Collections.unmodifiableList(requireNonNull(rows, "rows is null"));
    }
  }

  /** Row counts by table, in load order. */
  public record Summary(Map<String, Integer> rowCounts) {
    public Summary {
      rowCounts = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(rowCounts, "rowCounts is null")));
    }

    public int rows(String table) {
      Integer n = rowCounts.get(table);
      if (n == null) {
        throw new IllegalArgumentException("no table " + table);
      }
      return n;
    }
  }

  /**
   * Replaces the six tables in the connection's current schema with freshly generated rows, adds primary and
   * foreign keys and runs ANALYZE, all in one transaction. Uses COPY on PostgreSQL and batched INSERTs elsewhere.
   */
  public Summary load(Connection connection) throws SQLException {
    List<Table> tables = generate();
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      s.execute(DROP_TABLES);
      for (String ddl : CREATE_TABLES.split(";\n")) {
        s.execute(ddl);
      }
      for (Table t : tables) {
        insert(connection, t);
      }
      for (String ddl : ADD_KEYS.split(";\n")) {
        s.execute(ddl);
      }
      for (Table t : tables) {
        s.execute("ANALYZE " + t.name());
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Table t : tables) {
      counts.put(t.name(), t.rows().size());
    }
    return new Summary(counts);
  }

  /** The plays table alone (its rows are computed as they are read; see the class comment). */
  public Table plays() {
    return generate().get(TABLES.indexOf("plays"));
  }

  /** Generates the rows of all tables, in {@link #TABLES} order, without a database. */
  public List<Table> generate() {
    SplittableRandom random = new SplittableRandom(seed);
    // Each table draws from its own stream, so changing one table leaves the others as they were.
    SplittableRandom accountRandom = random.split();
    SplittableRandom artistRandom = random.split();
    SplittableRandom trackRandom = random.split();
    SplittableRandom subscriptionRandom = random.split();
    SplittableRandom playRandom = random.split();

    int accountCount = ACCOUNTS * scale;
    List<List<Object>> accounts = new ArrayList<>(accountCount);
    Country[] accountCountry = new Country[accountCount + 1];
    OffsetDateTime[] accountCreated = new OffsetDateTime[accountCount + 1];
    int days = (int) ChronoUnit.DAYS.between(FIRST_DAY, LAST_DAY) + 1;
    for (int id = 1; id <= accountCount; id++) {
      SplittableRandom r = accountRandom;
      Country country = country(r);
      String first = pick(r, FIRST_NAMES);
      String last = pick(r, LAST_NAMES);
      String email = ascii(first) + "." + ascii(last) + id + "@" + pick(r, EMAIL_DOMAINS);
      String city = r.nextDouble() < 0.08 ? null : pick(r, country.cities());
      // Growth: the density of signup days rises linearly over the period.
      LocalDate signup = FIRST_DAY.plusDays((long) (days * Math.sqrt(r.nextDouble())));
      Integer birthYear = r.nextDouble() < 0.15 ? null
          : Math.min(2008, 1994 + (int) Math.round((r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5) * 20));
      OffsetDateTime created = signup.atTime(LocalTime.ofSecondOfDay(r.nextInt(86_400))).atOffset(ZoneOffset.UTC);
      accountCountry[id] = country;
      accountCreated[id] = created;
      accounts.add(row(id, email, country.code(), city, signup, birthYear, created));
    }

    int artistCount = ARTISTS * scale;
    List<List<Object>> artists = new ArrayList<>(artistCount);
    for (int id = 1; id <= artistCount; id++) {
      SplittableRandom r = artistRandom;
      double kind = r.nextDouble();
      String name;
      if (kind < 0.5) {
        name = "The " + pick(r, ADJECTIVES) + " " + pick(r, NOUNS) + "s";
      } else if (kind < 0.8) {
        name = pick(r, FIRST_NAMES) + " " + pick(r, LAST_NAMES);
      } else {
        name = pick(r, ADJECTIVES) + pick(r, NOUNS).toLowerCase(Locale.ROOT);
      }
      String country = r.nextDouble() < 0.05 ? null : country(r).code();
      String genre = r.nextDouble() < 0.03 ? null : pick(r, GENRES);
      artists.add(row(id, name, country, genre));
    }

    int trackCount = TRACKS * scale;
    List<List<Object>> tracks = new ArrayList<>(trackCount);
    int[] trackDuration = new int[trackCount + 1];
    int releaseDays = (int) ChronoUnit.DAYS.between(LocalDate.of(1965, 1, 1), LAST_DAY) + 1;
    for (int id = 1; id <= trackCount; id++) {
      SplittableRandom r = trackRandom;
      // A few artists have many tracks: low ids are drawn far more often.
      double u = r.nextDouble();
      int artistId = 1 + (int) (artistCount * u * u);
      String title = title(r);
      int duration = 90_000 + r.nextInt(330_000);
      LocalDate release = r.nextDouble() < 0.02 ? null
          : LocalDate.of(1965, 1, 1).plusDays((long) (releaseDays * Math.sqrt(r.nextDouble())));
      boolean explicit = r.nextDouble() < 0.18;
      BigDecimal price = TRACK_PRICES[r.nextInt(TRACK_PRICES.length)];
      trackDuration[id] = duration;
      tracks.add(row(id, artistId, title, duration, release, explicit, price));
    }

    List<List<Object>> subscriptions = new ArrayList<>();
    List<List<Object>> payments = new ArrayList<>();
    int subscriptionId = 0;
    int paymentId = 0;
    for (int accountId = 1; accountId <= accountCount; accountId++) {
      SplittableRandom r = subscriptionRandom;
      Country country = accountCountry[accountId];
      OffsetDateTime start = accountCreated[accountId].plusSeconds(r.nextInt(3 * 86_400));
      int plan = firstPlan(r);
      while (start.isBefore(END)) {
        OffsetDateTime end = start.plusMonths(1 + r.nextInt(18));
        OffsetDateTime endedAt;
        boolean next = false;
        double fate = r.nextDouble();
        if (!end.isBefore(END) || fate < 0.30) {
          endedAt = null; // still running
        } else {
          endedAt = end;
          next = fate >= 0.55; // else the account churned
        }
        BigDecimal monthly = price(PLAN_PRICE[plan], country);
        subscriptionId++;
        subscriptions.add(row(subscriptionId, accountId, PLANS.get(plan), start, endedAt, monthly));
        if (monthly.signum() > 0) {
          OffsetDateTime billedUntil = endedAt == null ? END : endedAt;
          for (OffsetDateTime due = start; due.isBefore(billedUntil); due = due.plusMonths(1)) {
            LocalDateTime paidAt = due.plusMinutes(r.nextInt(90)).toLocalDateTime();
            double s = r.nextDouble();
            String status = s < 0.955 ? "paid" : s < 0.985 ? "failed" : "refunded";
            paymentId++;
            payments.add(row(paymentId, accountId, subscriptionId, paidAt, monthly, country.currency(), status));
          }
        }
        if (!next) {
          break;
        }
        start = endedAt.plusMinutes(r.nextInt(60));
        plan = (plan + 1 + r.nextInt(PLANS.size() - 1)) % PLANS.size();
      }
    }

    List<List<Object>> plays = new PlayRows(playCount(), playRandom.nextLong(), accountCount, trackCount,
        accountCountry, accountCreated, trackDuration);

    return List.of(
        new Table("accounts", List.of("account_id", "email", "country", "city", "signup_date", "birth_year",
            "created_at"), accounts),
        new Table("artists", List.of("artist_id", "name", "country", "genre"), artists),
        new Table("tracks", List.of("track_id", "artist_id", "title", "duration_ms", "release_date", "explicit",
            "price"), tracks),
        new Table("subscriptions", List.of("subscription_id", "account_id", "plan", "started_at", "ended_at",
            "monthly_price"), subscriptions),
        new Table("payments", List.of("payment_id", "account_id", "subscription_id", "paid_at", "amount",
            "currency", "status"), payments),
        new Table("plays", List.of("play_id", "account_id", "track_id", "played_at", "ms_played", "device",
            "country"), plays));
  }

  /**
   * The plays, row {@code i} computed on demand from a random stream of its own (seeded from the table's seed and
   * {@code i}), so that a million plays take no memory and read the same in any order. Immutable.
   */
  private static final class PlayRows extends AbstractList<List<Object>> implements RandomAccess {
    private final int size;
    private final long seed;
    private final int accountCount;
    private final int trackCount;
    private final Country[] accountCountry;
    private final OffsetDateTime[] accountCreated;
    private final int[] trackDuration;

    PlayRows(int size, long seed, int accountCount, int trackCount, Country[] accountCountry,
        OffsetDateTime[] accountCreated, int[] trackDuration) {
      this.size = size;
      this.seed = seed;
      this.accountCount = accountCount;
      this.trackCount = trackCount;
      this.accountCountry = accountCountry;
      this.accountCreated = accountCreated;
      this.trackDuration = trackDuration;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public List<Object> get(int index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException("play " + index + " of " + size);
      }
      long id = index + 1L;
      SplittableRandom r = new SplittableRandom(mix64(seed + id * 0x9E3779B97F4A7C15L));
      // Heavy listeners and popular tracks: low ids are drawn more often.
      int accountId = 1 + (int) (accountCount * Math.pow(r.nextDouble(), 1.6));
      int trackId = 1 + (int) (trackCount * Math.pow(r.nextDouble(), 2.5));
      OffsetDateTime created = accountCreated[accountId];
      long span = ChronoUnit.SECONDS.between(created, END);
      OffsetDateTime playedAt = created.plusSeconds(1 + (long) ((span - 1) * r.nextDouble()));
      int duration = trackDuration[trackId];
      double kind = r.nextDouble();
      int msPlayed = kind < 0.25 ? r.nextInt(SKIP_MS) // a skip
          : kind < 0.40 ? SKIP_MS + r.nextInt(duration - SKIP_MS) // stopped part-way
          : duration; // played to the end
      String device = DEVICES.get(weighted(r, DEVICE_WEIGHT));
      double where = r.nextDouble();
      String country = where < 0.03 ? null : where < 0.07 ? country(r).code() : accountCountry[accountId].code();
      return row(id, accountId, trackId, playedAt, msPlayed, device, country);
    }

    /** Stafford's variant 13 of the MurmurHash3 finalizer: neighbouring ids get unrelated random streams. */
    private static long mix64(long z) {
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }

  private static void insert(Connection connection, Table table) throws SQLException {
    String columns = String.join(", ", table.columns());
    if (connection.isWrapperFor(PGConnection.class)) {
      // In chunks, so that the CSV text of a large table (plays at a high scale) is never held whole.
      List<List<Object>> rows = table.rows();
      for (int from = 0; from < rows.size(); from += COPY_CHUNK) {
        StringBuilder csv = new StringBuilder(Math.min(COPY_CHUNK, rows.size() - from) * 64);
        for (List<Object> row : rows.subList(from, Math.min(rows.size(), from + COPY_CHUNK))) {
          for (int i = 0; i < row.size(); i++) {
            if (i > 0) {
              csv.append(',');
            }
            appendCsv(csv, row.get(i));
          }
          csv.append('\n');
        }
        try {
          connection.unwrap(PGConnection.class).getCopyAPI()
              .copyIn("COPY " + table.name() + " (" + columns + ") FROM STDIN (FORMAT csv)",
                  new StringReader(csv.toString()));
        } catch (IOException e) {
          throw new SQLException("cannot COPY into " + table.name() + ": " + e.getMessage(), "58030", e);
        }
      }
      return;
    }
    String marks = String.join(", ", Collections.nCopies(table.columns().size(), "?"));
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO " + table.name() + " (" + columns + ") VALUES (" + marks + ")")) {
      int pending = 0;
      for (List<Object> row : table.rows()) {
        for (int i = 0; i < row.size(); i++) {
          ps.setObject(i + 1, row.get(i));
        }
        ps.addBatch();
        if (++pending == 1000) {
          ps.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        ps.executeBatch();
      }
    }
  }

  /** CSV as PostgreSQL's COPY reads it: an unquoted empty field is NULL; text is always quoted. */
  private static void appendCsv(StringBuilder b, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof String s) {
      b.append('"').append(s.replace("\"", "\"\"")).append('"');
    } else if (value instanceof BigDecimal d) {
      b.append(d.toPlainString());
    } else {
      // Integer, Long, Boolean, LocalDate, LocalDateTime, OffsetDateTime: their toString is ISO-8601 and locale-free.
      b.append(value);
    }
  }

  private static List<Object> row(Object... values) {
    return Collections.unmodifiableList(Arrays.asList(values));
  }

  private static Country country(SplittableRandom r) {
    int w = r.nextInt(TOTAL_WEIGHT);
    for (Country c : COUNTRIES) {
      w -= c.weight();
      if (w < 0) {
        return c;
      }
    }
    throw new AssertionError("weights do not add up");
  }

  private static int firstPlan(SplittableRandom r) {
    return weighted(r, FIRST_PLAN_WEIGHT);
  }

  /** An index drawn with the given weights (which add up to 1). */
  private static int weighted(SplittableRandom r, double[] weights) {
    double u = r.nextDouble();
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return 0;
  }

  private static BigDecimal price(double usd, Country country) {
    return BigDecimal.valueOf(usd * country.priceFactor()).setScale(country.decimals(), RoundingMode.HALF_EVEN)
        .setScale(2, RoundingMode.UNNECESSARY);
  }

  private static String title(SplittableRandom r) {
    String title = switch (r.nextInt(6)) {
      case 0 -> pick(r, ADJECTIVES) + " " + pick(r, NOUNS);
      case 1 -> "Don't Leave, " + pick(r, NOUNS);
      case 2 -> pick(r, NOUNS) + " of the " + pick(r, ADJECTIVES) + " " + pick(r, NOUNS);
      case 3 -> "\"" + pick(r, NOUNS) + "\"";
      default -> pick(r, ADJECTIVES) + " " + pick(r, ADJECTIVES) + " " + pick(r, NOUNS);
    };
    double v = r.nextDouble();
    return v < 0.08 ? title + " (Remix)" : v < 0.12 ? title + " - Live" : title;
  }

  private static String pick(SplittableRandom r, List<String> values) {
    return values.get(r.nextInt(values.size()));
  }

  /** Lower-case ASCII for e-mail addresses: drops accents and apostrophes. */
  private static String ascii(String name) {
    String decomposed = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD);
    return decomposed.replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
  }
}
