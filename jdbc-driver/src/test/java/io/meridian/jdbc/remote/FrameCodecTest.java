package io.meridian.jdbc.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.DatabaseMetaData;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameCodec} and {@link FrameTranslation} against Avatica's own protobuf encoder and decoder: whatever one side
 * writes, the other must read into exactly the values (and Java classes) stock Avatica would give.
 */
class FrameCodecTest {
  /** Values of every kind a server frame may hold, including the edge values of each. */
  static List<Object> commonValues() {
    return Arrays.asList(null, 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0L, -7L, Long.MIN_VALUE, Long.MAX_VALUE,
        (short) 0, (short) -5, Short.MAX_VALUE, (byte) 0, (byte) -128, 0.0d, -0.0d, 2.718281828459045d, Double.NaN,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MAX_VALUE, 0.0f, -0.0f, 1.5f, Float.NaN, Float.MAX_VALUE,
        BigDecimal.ZERO, new BigDecimal("-1234.5678900"), new BigDecimal("1E+10"),
        new BigDecimal("9999999999999999999999999999.9999999999"), "", "x", "Grüße, 世界 🌍 İı ǅ",
        "two\nlines\ttab \"q\" \\", Boolean.TRUE, Boolean.FALSE);
  }

  /** Values only Avatica's own encoder or decoder handles (the codec must hand them over unchanged). */
  static List<Object> otherValues() {
    return Arrays.asList('c', new byte[] {1, 2, 3}, new byte[0], new Timestamp(-1L), new java.sql.Date(86_400_000L),
        List.of(1, 2, 3), Arrays.asList("a", null), List.of(), List.of(List.of(1L, 2L), List.of(3L)));
  }

  private static Meta.Frame frameOf(List<Object> values, boolean arrays, long offset, boolean done) {
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      // Rows of three columns, as Object[] (server frames) and as lists.
      Object[] row = {values.get(i), i, values.get((i + 1) % values.size())};
      rows.add(arrays ? row : Arrays.asList(row));
    }
    return new Meta.Frame(offset, done, rows);
  }

  private static Meta.Frame stockRead(byte[] bytes) throws Exception {
    return Meta.Frame.fromProto(Common.Frame.parseFrom(bytes));
  }

  /** Values with their classes; byte arrays by content, lists element by element. */
  private static Object canonical(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof byte[] b) {
      return "byte[]" + Arrays.toString(b);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(canonical(o));
      }
      return out;
    }
    if (value instanceof Object[] array) {
      return canonical(Arrays.asList(array));
    }
    return value.getClass().getSimpleName() + ":" + (value instanceof Double || value instanceof Float
        ? value + "/" + Double.doubleToRawLongBits(((Number) value).doubleValue()) : value);
  }

  private static List<Object> canonicalRows(Meta.Frame frame) {
    List<Object> rows = new ArrayList<>();
    for (Object row : frame.rows) {
      rows.add(canonical(row));
    }
    return rows;
  }

  private static void assertSameFrame(Meta.Frame expected, Meta.Frame actual) {
    assertEquals(expected.offset, actual.offset, "offset");
    assertEquals(expected.done, actual.done, "done");
    assertEquals(canonicalRows(expected), canonicalRows(actual));
  }

  @Test
  void commonValuesReadAsAvaticaReadsThem() throws Exception {
    for (boolean arrays : new boolean[] {true, false}) {
      Meta.Frame frame = frameOf(commonValues(), arrays, 12_345, false);
      byte[] stockBytes = frame.toProto().toByteArray();
      Meta.Frame expected = stockRead(stockBytes);
      // Avatica's bytes, read by the codec; the codec's bytes, read by Avatica and by the codec.
      assertSameFrame(expected, FrameCodec.read(stockBytes, 0, stockBytes.length));
      byte[] ours = FrameCodec.write(frame);
      assertSameFrame(expected, stockRead(ours));
      assertSameFrame(expected, FrameCodec.read(ours, 0, ours.length));
    }
  }

  @Test
  void otherValuesRoundTripThroughAvaticasOwnCode() throws Exception {
    List<Object> values = new ArrayList<>(commonValues());
    values.addAll(otherValues());
    Meta.Frame frame = frameOf(values, true, 0, true);
    byte[] stockBytes = frame.toProto().toByteArray();
    Meta.Frame expected = stockRead(stockBytes);
    assertSameFrame(expected, FrameCodec.read(stockBytes, 0, stockBytes.length));
    byte[] ours = FrameCodec.write(frame);
    assertSameFrame(expected, stockRead(ours));
    assertSameFrame(expected, FrameCodec.read(ours, 0, ours.length));
  }

  @Test
  void eachValueIsWrittenOnce() throws Exception {
    Meta.Frame frame = frameOf(commonValues(), true, 0, true);
    Common.Frame ours = Common.Frame.parseFrom(FrameCodec.write(frame));
    Common.Frame stock = frame.toProto();
    assertEquals(stock.getRowsCount(), ours.getRowsCount());
    for (Common.Row row : ours.getRowsList()) {
      for (Common.ColumnValue column : row.getValueList()) {
        assertEquals(0, column.getValueCount(), "the deprecated copy is not written: " + column);
        assertTrue(column.hasScalarValue(), column.toString());
      }
    }
    // Each scalar's TypedValue is Avatica's, field for field.
    for (int r = 0; r < stock.getRowsCount(); r++) {
      for (int c = 0; c < stock.getRows(r).getValueCount(); c++) {
        assertEquals(stock.getRows(r).getValue(c).getScalarValue(), ours.getRows(r).getValue(c).getScalarValue());
      }
    }
    assertTrue(ours.getSerializedSize() < stock.getSerializedSize() * 0.7,
        "frame bytes " + ours.getSerializedSize() + " against Avatica's " + stock.getSerializedSize());
  }

  @Test
  void arraysAreWrittenOnceAsNewStyleArrays() throws Exception {
    Meta.Frame frame = new Meta.Frame(0, true, List.of((Object) new Object[] {List.of(1, 2), List.of()}));
    Common.ColumnValue column = Common.Frame.parseFrom(FrameCodec.write(frame)).getRows(0).getValue(0);
    assertTrue(column.getHasArrayValue());
    assertEquals(2, column.getArrayValueCount());
    assertEquals(0, column.getValueCount());
    assertSameFrame(stockRead(frame.toProto().toByteArray()), stockRead(FrameCodec.write(frame)));
  }

  @Test
  void emptyAndNullRows() throws Exception {
    Meta.Frame frame = new Meta.Frame(0, true, Arrays.asList(new Object[0], null, new Object[] {null}));
    Meta.Frame expected = stockRead(frame.toProto().toByteArray());
    byte[] ours = FrameCodec.write(frame);
    assertSameFrame(expected, stockRead(ours));
    assertSameFrame(expected, FrameCodec.read(ours, 0, ours.length));
    assertEquals(2, expected.rows.spliterator().getExactSizeIfKnown());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Whole responses, as the server writes them and the client reads them

  private static final ProtobufTranslationImpl STOCK = new ProtobufTranslationImpl();
  private static final FrameTranslation OURS = new FrameTranslation();

  private static Meta.Signature signature() {
    List<ColumnMetaData> columns = List.of(
        ColumnMetaData.dummy(ColumnMetaData.scalar(Types.INTEGER, "INTEGER", ColumnMetaData.Rep.INTEGER), true),
        ColumnMetaData.dummy(ColumnMetaData.scalar(Types.VARCHAR, "VARCHAR", ColumnMetaData.Rep.STRING), true),
        ColumnMetaData.dummy(ColumnMetaData.scalar(Types.INTEGER, "INTEGER", ColumnMetaData.Rep.INTEGER), true));
    return Meta.Signature.create(columns, "SELECT 1", List.of(), Meta.CursorFactory.LIST, Meta.StatementType.SELECT);
  }

  @Test
  void fetchResponsesTranslate() throws Exception {
    Service.RpcMetadataResponse metadata = new Service.RpcMetadataResponse("localhost:8765");
    Service.FetchResponse response = new Service.FetchResponse(frameOf(commonValues(), true, 100, false), false, false,
        metadata);
    Service.FetchResponse expected = (Service.FetchResponse) STOCK.parseResponse(STOCK.serializeResponse(response));
    for (byte[] bytes : List.of(OURS.serializeResponse(response), STOCK.serializeResponse(response))) {
      for (ProtobufTranslationImpl reader : List.of(STOCK, OURS)) {
        Service.FetchResponse actual = assertInstanceOf(Service.FetchResponse.class, reader.parseResponse(bytes));
        assertSameFrame(expected.frame, actual.frame);
        assertEquals(expected.rpcMetadata, actual.rpcMetadata);
        assertEquals(expected.missingStatement, actual.missingStatement);
      }
    }
    Service.FetchResponse missing = new Service.FetchResponse(null, true, false, metadata);
    Service.FetchResponse read = (Service.FetchResponse) OURS.parseResponse(OURS.serializeResponse(missing));
    assertTrue(read.missingStatement);
    assertSameFrame(((Service.FetchResponse) STOCK.parseResponse(STOCK.serializeResponse(missing))).frame,
        read.frame);
  }

  @Test
  void executeAndResultSetResponsesTranslate() throws Exception {
    Service.RpcMetadataResponse metadata = new Service.RpcMetadataResponse("localhost:8765");
    Service.ResultSetResponse withRows = new Service.ResultSetResponse("conn", 7, true, signature(),
        frameOf(commonValues(), true, 0, false), -1, metadata);
    Service.ResultSetResponse count = new Service.ResultSetResponse("conn", 8, false, null, null, 42, metadata);
    Service.ExecuteResponse response = new Service.ExecuteResponse(List.of(withRows, count), false, metadata);
    Service.ExecuteResponse expected = (Service.ExecuteResponse) STOCK.parseResponse(
        STOCK.serializeResponse(response));
    for (byte[] bytes : List.of(OURS.serializeResponse(response), STOCK.serializeResponse(response))) {
      for (ProtobufTranslationImpl reader : List.of(STOCK, OURS)) {
        Service.ExecuteResponse actual = assertInstanceOf(Service.ExecuteResponse.class, reader.parseResponse(bytes));
        assertEquals(2, actual.results.size());
        for (int i = 0; i < 2; i++) {
          Service.ResultSetResponse e = expected.results.get(i);
          Service.ResultSetResponse a = actual.results.get(i);
          assertEquals(e.connectionId, a.connectionId);
          assertEquals(e.statementId, a.statementId);
          assertEquals(e.ownStatement, a.ownStatement);
          assertEquals(e.signature, a.signature);
          assertEquals(e.updateCount, a.updateCount);
          assertEquals(e.rpcMetadata, a.rpcMetadata);
          if (e.firstFrame == null) {
            assertNull(a.firstFrame);
          } else {
            assertSameFrame(e.firstFrame, a.firstFrame);
          }
        }
        assertEquals(expected.rpcMetadata, actual.rpcMetadata);
      }
    }
    // Metadata calls answer with a bare ResultSetResponse.
    Service.ResultSetResponse tables = new Service.ResultSetResponse("conn", 9, true, signature(),
        frameOf(List.of("a", DatabaseMetaData.columnNullable, "b"), true, 0, true), -1, metadata);
    Service.ResultSetResponse stockTables = (Service.ResultSetResponse) STOCK.parseResponse(
        STOCK.serializeResponse(tables));
    for (byte[] bytes : List.of(OURS.serializeResponse(tables), STOCK.serializeResponse(tables))) {
      for (ProtobufTranslationImpl reader : List.of(STOCK, OURS)) {
        Service.ResultSetResponse actual = (Service.ResultSetResponse) reader.parseResponse(bytes);
        assertEquals(stockTables.signature, actual.signature);
        assertEquals(stockTables.statementId, actual.statementId);
        assertSameFrame(stockTables.firstFrame, actual.firstFrame);
      }
    }
  }

  @Test
  void otherResponsesAreAvaticas() throws Exception {
    Service.Response response = new Service.CloseStatementResponse(new Service.RpcMetadataResponse("h:1"));
    assertEquals(List.of(STOCK.serializeResponse(response).length), List.of(OURS.serializeResponse(response).length));
    assertEquals(response, OURS.parseResponse(STOCK.serializeResponse(response)));
  }
}
