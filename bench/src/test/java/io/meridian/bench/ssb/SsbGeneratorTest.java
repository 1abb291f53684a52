package io.meridian.bench.ssb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SSB generator keeps the specification's cardinalities and value domains, and is deterministic. */
class SsbGeneratorTest {
  @Test
  void cardinalitiesFollowTheSpecification() {
    SsbGenerator sf1 = new SsbGenerator(1);
    assertEquals(30_000, sf1.customers());
    assertEquals(2_000, sf1.suppliers());
    assertEquals(200_000, sf1.parts());
    assertEquals(1_500_000, sf1.orders());
    assertEquals(400_000, new SsbGenerator(2).parts());
    assertEquals(600_000, new SsbGenerator(4).parts());
    assertEquals(600_000, new SsbGenerator(5).parts());
    assertEquals(300_000, new SsbGenerator(10).customers());
    assertEquals(20_000, new SsbGenerator(0.1).parts());
    assertThrows(IllegalArgumentException.class, () -> new SsbGenerator(0));
  }

  @Test
  void rowsAreAPureFunctionOfTheirKey() {
    SsbGenerator g = new SsbGenerator(0.01);
    Object[][] a = g.order(1234);
    Object[][] b = new SsbGenerator(0.01).order(1234);
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
    }
    assertNotEquals(List.of(g.order(1)[0]), List.of(g.order(2)[0]));
    List<Object[]> first = new ArrayList<>();
    g.customers(first::add);
    List<Object[]> second = new ArrayList<>();
    g.customers(second::add);
    assertEquals(first.size(), second.size());
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i), second.get(i));
    }
  }

  @Test
  void lineorderValuesStayInTheirDomains() {
    SsbGenerator g = new SsbGenerator(0.01);
    long rows = 0;
    for (Iterator<Object[]> it = g.lineorders(0, g.orders()); it.hasNext(); ) {
      Object[] r = it.next();
      rows++;
      int custKey = (Integer) r[2];
      assertTrue(custKey >= 1 && custKey <= g.customers() && custKey % 3 != 0, "custkey " + custKey);
      int partKey = (Integer) r[3];
      assertTrue(partKey >= 1 && partKey <= g.parts());
      int orderDate = (Integer) r[5];
      assertTrue(orderDate >= 19920101 && orderDate <= 19980802, "orderdate " + orderDate);
      int quantity = (Integer) r[8];
      assertTrue(quantity >= 1 && quantity <= 50);
      int price = SsbGenerator.retailPriceCents(partKey);
      assertEquals(quantity * price, (Integer) r[9]);
      int discount = (Integer) r[11];
      assertTrue(discount >= 0 && discount <= 10);
      assertEquals((int) ((long) quantity * price * (100 - discount) / 100), (Integer) r[12]);
      assertEquals(price * 6 / 10, (Integer) r[13]);
      int tax = (Integer) r[14];
      assertTrue(tax >= 0 && tax <= 8);
      assertTrue((Integer) r[15] > orderDate);
    }
    // 15,000 orders of 1 to 7 lines: 4 on average.
    assertTrue(rows > 55_000 && rows < 65_000, "rows " + rows);
  }

  @Test
  void dimensionValuesAreTheOnesTheQueriesFilterOn() {
    SsbGenerator g = new SsbGenerator(0.1);
    Set<String> cities = new HashSet<>();
    g.customers(r -> {
      assertTrue(((String) r[3]).matches("[A-Z ]{9}[0-9]"), (String) r[3]);
      assertTrue(SsbGenerator.NATIONS.contains((String) r[4]));
      assertTrue(SsbGenerator.REGIONS.contains((String) r[5]));
      cities.add((String) r[3]);
    });
    assertTrue(cities.contains("UNITED KI1") && cities.contains("UNITED ST5"), cities.toString());
    Set<String> brands = new HashSet<>();
    g.parts(r -> {
      String mfgr = (String) r[2];
      String category = (String) r[3];
      String brand = (String) r[4];
      assertTrue(mfgr.matches("MFGR#[1-5]"), mfgr);
      assertTrue(category.startsWith(mfgr) && category.matches("MFGR#[1-5][1-5]"), category);
      assertTrue(brand.startsWith(category) && brand.matches("MFGR#[1-5][1-5]([1-9]|[1-3][0-9]|40)"), brand);
      brands.add(brand);
    });
    assertTrue(brands.contains("MFGR#2221") && brands.contains("MFGR#2239"));
    List<Object[]> dates = new ArrayList<>();
    SsbGenerator.dates(dates::add);
    assertEquals(2557, dates.size());
    assertArrayEquals(new Object[] {19971231, "1997-12-31", "Wednesday", "December", 1997, 199712, "Dec1997", 4, 31,
        365, 12, 53, "Christmas", 0, 1, 1, 1}, dates.stream().filter(d -> d[0].equals(19971231)).findFirst()
        .orElseThrow());
    assertTrue(dates.stream().allMatch(d -> (Integer) d[11] >= 1 && (Integer) d[11] <= 54));
  }
}
