package io.meridian.bench.ssb;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A deterministic generator of Star Schema Benchmark data (O'Neil, O'Neil, Chen: "Star Schema Benchmark", revision 3),
 * written from the specification because no SSB generator is published on Maven Central.
 *
 * <p>Design notes. Every row is a pure function of the scale factor and its key: each entity draws from a random
 * stream of its own ({@link SplittableRandom} seeded from the table, the key and a fixed seed), so tables are the same
 * on every machine and in every order of generation, and {@code lineorder} streams one order at a time without
 * holding anything. What follows the specification: the five tables and their columns; cardinalities ({@code customer}
 * SF x 30,000, {@code supplier} SF x 2,000, {@code part} 200,000 x (1 + floor(log2 SF)), orders SF x 1,500,000
 * with 1 to 7 lines each, so about SF x 6,000,000 {@code lineorder} rows, {@code date} 1992-01-01..1998-12-31); the value domains
 * the 13 queries filter on (25 nations in 5 regions, cities as the nation's first 9 characters and a digit 0-9,
 * {@code MFGR#m}, categories {@code MFGR#mc}, brands {@code MFGR#mcb} with b in 1..40, {@code d_yearmonth} such as
 * {@code Dec1997}); uniform choices where TPC-H/SSB draw uniformly (quantity 1-50, discount 0-10, tax 0-8, order dates
 * 1992-01-01..1998-08-02, commit date 30-90 days later, every third customer without orders); prices as TPC-H defines
 * the retail price, in cents. What differs from the reference {@code dbgen}: the random streams (so the exact values,
 * not their distributions, differ), dense order keys, and free-text columns (names, addresses) built from simple
 * patterns rather than dbgen's text grammar. Numbers are integers (prices in cents), as most SSB setups store them.
 */
public final class SsbGenerator {
  /** Change when any generated value changes, so that stored data of an older version is regenerated. */
  public static final int VERSION = 2;

  public static final LocalDate FIRST_DATE = LocalDate.of(1992, 1, 1);
  public static final LocalDate LAST_DATE = LocalDate.of(1998, 12, 31);
  /** The last order date (TPC-H: the end date minus 151 days). */
  public static final LocalDate LAST_ORDER_DATE = LocalDate.of(1998, 8, 2);

  static final List<String> NATIONS = List.of("ALGERIA", "ARGENTINA", "BRAZIL", "CANADA", "EGYPT", "ETHIOPIA",
      "FRANCE", "GERMANY", "INDIA", "INDONESIA", "IRAN", "IRAQ", "JAPAN", "JORDAN", "KENYA", "MOROCCO", "MOZAMBIQUE",
      "PERU", "CHINA", "ROMANIA", "SAUDI ARABIA", "VIETNAM", "RUSSIA", "UNITED KINGDOM", "UNITED STATES");
  static final List<String> REGIONS = List.of("AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST");
  /** Region index of each nation (TPC-H's nation table). */
  private static final int[] NATION_REGION =
      {0, 1, 1, 1, 4, 0, 3, 3, 2, 2, 4, 4, 2, 4, 0, 0, 0, 1, 2, 3, 4, 2, 3, 3, 1};
  private static final List<String> SEGMENTS = List.of("AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY",
      "HOUSEHOLD");
  private static final List<String> PRIORITIES = List.of("1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECI", "5-LOW");
  private static final List<String> SHIP_MODES = List.of("REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB");
  private static final List<String> COLORS = List.of("almond", "antique", "aquamarine", "azure", "beige", "bisque",
      "black", "blanched", "blue", "blush", "brown", "burlywood", "burnished", "chartreuse", "chiffon", "chocolate",
      "coral", "cornflower", "cornsilk", "cream", "cyan", "dark", "deep", "dim", "dodger", "drab", "firebrick",
      "floral", "forest", "frosted", "gainsboro", "ghost", "goldenrod", "green", "grey", "honeydew", "hot", "indian",
      "ivory", "khaki", "lace", "lavender", "lawn", "lemon", "light", "lime", "linen", "magenta", "maroon", "medium",
      "metallic", "midnight", "mint", "misty", "moccasin", "navajo", "navy", "olive", "orange", "orchid", "pale",
      "papaya", "peach", "peru", "pink", "plum", "powder", "puff", "purple", "red", "rose", "rosy", "royal", "saddle",
      "salmon", "sandy", "seashell", "sienna", "sky", "slate", "smoke", "snow", "spring", "steel", "tan", "thistle",
      "tomato", "turquoise", "violet", "wheat", "white", "yellow");
  private static final List<String> TYPE_1 = List.of("STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO");
  private static final List<String> TYPE_2 = List.of("ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED");
  private static final List<String> TYPE_3 = List.of("TIN", "NICKEL", "BRASS", "STEEL", "COPPER");
  private static final List<String> CONTAINER_1 = List.of("SM", "LG", "MED", "JUMBO", "WRAP");
  private static final List<String> CONTAINER_2 = List.of("CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM");
  private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private static final long SEED = 0x55B_2026L;
  private static final long CUSTOMER = 1;
  private static final long SUPPLIER = 2;
  private static final long PART = 3;
  private static final long ORDER = 4;

  private final double scaleFactor;

  public SsbGenerator(double scaleFactor) {
    if (!(scaleFactor > 0) || scaleFactor > 1000) {
      throw new IllegalArgumentException("scale factor must be in (0, 1000], got " + scaleFactor);
    }
    this.scaleFactor = scaleFactor;
  }

  public double scaleFactor() {
    return scaleFactor;
  }

  public int customers() {
    return (int) Math.max(3, Math.round(30_000 * scaleFactor));
  }

  public int suppliers() {
    return (int) Math.max(1, Math.round(2_000 * scaleFactor));
  }

  /** 200,000 x (1 + floor(log2 SF)) from SF 1 on, as the specification says; proportional below SF 1. */
  public int parts() {
    if (scaleFactor >= 1) {
      return 200_000 * (1 + (int) Math.floor(Math.log(scaleFactor) / Math.log(2) + 1e-9));
    }
    return (int) Math.max(1, Math.round(200_000 * scaleFactor));
  }

  public long orders() {
    return Math.max(1, Math.round(1_500_000 * scaleFactor));
  }

  /** customer: c_custkey, c_name, c_address, c_city, c_nation, c_region, c_phone, c_mktsegment. */
  public void customers(Consumer<Object[]> sink) {
    for (int key = 1; key <= customers(); key++) {
      SplittableRandom r = random(CUSTOMER, key);
      int nation = r.nextInt(NATIONS.size());
      sink.accept(new Object[] {key, String.format(Locale.ROOT, "Customer#%09d", key), text(r, 10, 25),
          city(nation, r), NATIONS.get(nation), REGIONS.get(NATION_REGION[nation]), phone(nation, r),
          SEGMENTS.get(r.nextInt(SEGMENTS.size()))});
    }
  }

  /** supplier: s_suppkey, s_name, s_address, s_city, s_nation, s_region, s_phone. */
  public void suppliers(Consumer<Object[]> sink) {
    for (int key = 1; key <= suppliers(); key++) {
      SplittableRandom r = random(SUPPLIER, key);
      int nation = r.nextInt(NATIONS.size());
      sink.accept(new Object[] {key, String.format(Locale.ROOT, "Supplier#%09d", key), text(r, 10, 25),
          city(nation, r), NATIONS.get(nation), REGIONS.get(NATION_REGION[nation]), phone(nation, r)});
    }
  }

  /** part: p_partkey, p_name, p_mfgr, p_category, p_brand1, p_color, p_type, p_size, p_container. */
  public void parts(Consumer<Object[]> sink) {
    for (int key = 1; key <= parts(); key++) {
      SplittableRandom r = random(PART, key);
      int mfgr = 1 + r.nextInt(5);
      int category = 1 + r.nextInt(5);
      int brand = 1 + r.nextInt(40);
      String color = COLORS.get(r.nextInt(COLORS.size()));
      String name = color + " " + COLORS.get(r.nextInt(COLORS.size()));
      sink.accept(new Object[] {key, name, "MFGR#" + mfgr, "MFGR#" + mfgr + category,
          "MFGR#" + mfgr + category + brand, color,
          TYPE_1.get(r.nextInt(TYPE_1.size())) + " " + TYPE_2.get(r.nextInt(TYPE_2.size())) + " "
              + TYPE_3.get(r.nextInt(TYPE_3.size())),
          1 + r.nextInt(50),
          CONTAINER_1.get(r.nextInt(CONTAINER_1.size())) + " " + CONTAINER_2.get(r.nextInt(CONTAINER_2.size()))});
    }
  }

  /**
   * date: d_datekey (yyyymmdd), d_date, d_dayofweek, d_month, d_year, d_yearmonthnum, d_yearmonth, d_daynuminweek
   * (Sunday 1), d_daynuminmonth, d_daynuminyear, d_monthnuminyear, d_weeknuminyear, d_sellingseason,
   * d_lastdayinweekfl, d_lastdayinmonthfl, d_holidayfl, d_weekdayfl (flags 0/1).
   */
  public static void dates(Consumer<Object[]> sink) {
    for (LocalDate d = FIRST_DATE; !d.isAfter(LAST_DATE); d = d.plusDays(1)) {
      // English names, as the specification has them (Locale.ROOT would give "Mon" and "Dec").
      String dayOfWeek = d.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      String month = d.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      int dayNumInWeek = d.getDayOfWeek().getValue() % 7 + 1;
      // Weeks of the year as the specification counts them: week 1 holds January 1st, weeks start on Sunday.
      int jan1 = d.withDayOfYear(1).getDayOfWeek().getValue() % 7;
      int weekNumInYear = (d.getDayOfYear() - 1 + jan1) / 7 + 1;
      sink.accept(new Object[] {dateKey(d), d.toString(), dayOfWeek, month, d.getYear(),
          d.getYear() * 100 + d.getMonthValue(), month.substring(0, 3) + d.getYear(), dayNumInWeek,
          d.getDayOfMonth(), d.getDayOfYear(), d.getMonthValue(), weekNumInYear, season(d),
          d.getDayOfWeek() == DayOfWeek.SATURDAY ? 1 : 0, d.getDayOfMonth() == d.lengthOfMonth() ? 1 : 0,
          holiday(d) ? 1 : 0, d.getDayOfWeek().getValue() <= 5 ? 1 : 0});
    }
  }

  /** {@code d_datekey}: the date as the number yyyymmdd. */
  static int dateKey(LocalDate d) {
    return d.getYear() * 10_000 + d.getMonthValue() * 100 + d.getDayOfMonth();
  }

  /**
   * lineorder rows, order by order: lo_orderkey, lo_linenumber, lo_custkey, lo_partkey, lo_suppkey, lo_orderdate,
   * lo_orderpriority, lo_shippriority, lo_quantity, lo_extendedprice, lo_ordtotalprice, lo_discount, lo_revenue,
   * lo_supplycost, lo_tax, lo_commitdate, lo_shipmode. Orders {@code [fromOrder, toOrder)} (0-based).
   */
  public Iterator<Object[]> lineorders(long fromOrder, long toOrder) {
    return new Iterator<>() {
      private long order = fromOrder;
      private Object[][] lines = new Object[0][];
      private int next;

      @Override
      public boolean hasNext() {
        while (next >= lines.length) {
          if (order >= toOrder) {
            return false;
          }
          lines = order(order++);
          next = 0;
        }
        return true;
      }

      @Override
      public Object[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return lines[next++];
      }
    };
  }

  /** The lines of order {@code index} (0-based; its key is index + 1). */
  Object[][] order(long index) {
    int orderKey = Math.toIntExact(index + 1);
    SplittableRandom r = random(ORDER, orderKey);
    int customers = customers();
    // Every third customer places no order (TPC-H): draw among the others.
    int withOrders = customers - customers / 3;
    int pick = r.nextInt(withOrders);
    int custKey = pick / 2 * 3 + pick % 2 + 1;
    long span = ChronoUnit.DAYS.between(FIRST_DATE, LAST_ORDER_DATE) + 1;
    LocalDate orderDate = FIRST_DATE.plusDays(r.nextLong(span));
    String priority = PRIORITIES.get(r.nextInt(PRIORITIES.size()));
    int lineCount = 1 + r.nextInt(7);
    Object[][] lines = new Object[lineCount][];
    long total = 0;
    for (int line = 0; line < lineCount; line++) {
      int partKey = 1 + r.nextInt(parts());
      int suppKey = 1 + r.nextInt(suppliers());
      int quantity = 1 + r.nextInt(50);
      int discount = r.nextInt(11);
      int tax = r.nextInt(9);
      int price = retailPriceCents(partKey);
      int extendedPrice = quantity * price;
      int revenue = (int) ((long) extendedPrice * (100 - discount) / 100);
      int supplyCost = price * 6 / 10;
      LocalDate commitDate = orderDate.plusDays(30 + r.nextInt(61));
      total += (long) extendedPrice * (100 + tax) * (100 - discount) / 10_000;
      lines[line] = new Object[] {orderKey, line + 1, custKey, partKey, suppKey, dateKey(orderDate), priority, "0",
          quantity, extendedPrice, 0, discount, revenue, supplyCost, tax, dateKey(commitDate),
          SHIP_MODES.get(r.nextInt(SHIP_MODES.size()))};
    }
    for (Object[] line : lines) {
      line[10] = Math.toIntExact(total);
    }
    return lines;
  }

  /** TPC-H's P_RETAILPRICE, in cents: 90000 + ((key / 10) mod 20001) + 100 (key mod 1000). */
  static int retailPriceCents(int partKey) {
    return 90_000 + (partKey / 10) % 20_001 + 100 * (partKey % 1000);
  }

  private static String city(int nation, SplittableRandom r) {
    String name = NATIONS.get(nation);
    String prefix = name.length() >= 9 ? name.substring(0, 9) : (name + "         ").substring(0, 9);
    return prefix + r.nextInt(10);
  }

  private static String phone(int nation, SplittableRandom r) {
    return String.format(Locale.ROOT, "%02d-%03d-%03d-%04d", nation + 10, 100 + r.nextInt(900), 100 + r.nextInt(900),
        1000 + r.nextInt(9000));
  }

  private static String text(SplittableRandom r, int min, int max) {
    int length = min + r.nextInt(max - min + 1);
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(ALPHANUMERIC.charAt(r.nextInt(ALPHANUMERIC.length())));
    }
    return b.toString();
  }

  private static String season(LocalDate d) {
    int m = d.getMonthValue();
    if (m == 12 || (m == 11 && d.getDayOfMonth() >= 15)) {
      return "Christmas";
    }
    if (m >= 6 && m <= 8) {
      return "Summer";
    }
    if (m <= 2) {
      return "Winter";
    }
    if (m <= 5) {
      return "Spring";
    }
    return "Fall";
  }

  private static boolean holiday(LocalDate d) {
    int m = d.getMonthValue();
    int day = d.getDayOfMonth();
    return (m == 1 && day == 1) || (m == 7 && day == 4) || (m == 12 && day == 25) || (m == 12 && day == 31);
  }

  private static SplittableRandom random(long table, long key) {
    return new SplittableRandom(mix64(SEED ^ (table * 0x9E3779B97F4A7C15L) ^ mix64(key)));
  }

  /** Stafford's variant 13 of the MurmurHash3 finalizer. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
