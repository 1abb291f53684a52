package io.meridian.jdbc.remote;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Encodes and decodes Avatica's protobuf {@code Frame} message (rows of a result) directly, without building a
 * protobuf object per value: the wire format stays Avatica's own ({@code common.proto}), so stock clients and
 * servers read what this writes, and this reads what they write.
 *
 * <p>Design note. Avatica 1.28 turns each value into a {@code ColumnValue} and a {@code TypedValue} message through
 * builders, and writes every scalar twice: in {@code scalar_value} and in the deprecated repeated {@code value} kept
 * for clients older than CALCITE-1040 (Avatica 1.6, January 2016). Its reader checks field presence through
 * protobuf reflection for each value. Measured on 1,000,000 rows of two integers (bench/README.md, FetchBenchmark),
 * that costs more than reading the rows from PostgreSQL on the server. So:
 * <ul>
 *   <li>{@link #write} writes each scalar once, in {@code scalar_value}, and each array once, in
 *       {@code array_value} with {@code has_array_value}. Every Avatica client since 1.6 reads only those fields when
 *       one is set ({@code Meta.Frame.fromProto}; the Go and Python clients read them as well). The common types
 *       (null, integers, floating point, decimals, booleans, strings) are encoded here exactly as
 *       {@code TypedValue.toProto} encodes them; every other value goes through {@code TypedValue.toProto} itself.</li>
 *   <li>{@link #read} decodes scalars of the common types straight into the Java values that
 *       {@code Meta.Frame.fromProto} would produce, skipping the deprecated duplicates; a frame holding anything else
 *       (arrays, bytes, old-style columns) is decoded by {@code Meta.Frame.fromProto} whole, so the result is always
 *       what stock Avatica would give.</li>
 * </ul>
 * {@code FrameCodecTest} pins both directions against Avatica's own encoder and decoder.
 */
public final class FrameCodec {
  // Field numbers of common.proto.
  private static final int FRAME_OFFSET = 1;
  private static final int FRAME_DONE = 2;
  private static final int FRAME_ROWS = 3;
  private static final int ROW_VALUE = 1;
  private static final int COLUMN_VALUE_DEPRECATED = 1;
  private static final int COLUMN_ARRAY_VALUE = 2;
  private static final int COLUMN_HAS_ARRAY_VALUE = 3;
  private static final int COLUMN_SCALAR_VALUE = 4;
  private static final int TYPED_TYPE = 1;
  private static final int TYPED_BOOL = 2;
  private static final int TYPED_STRING = 3;
  private static final int TYPED_NUMBER = 4;
  private static final int TYPED_DOUBLE = 6;
  private static final int TYPED_NULL = 7;

  private FrameCodec() {}

  // ---------------------------------------------------------------------------------------------------------------
  // Writing

  /** The encoded {@code Frame} message (without a field tag or length). */
  public static byte[] write(Meta.Frame frame) {
    Sink out = new Sink(4096);
    write(frame, out);
    return out.toByteArray();
  }

  static void write(Meta.Frame frame, Sink out) {
    if (frame.offset != 0) {
      out.tag(FRAME_OFFSET, WireFormat.WIRETYPE_VARINT);
      out.varint(frame.offset);
    }
    if (frame.done) {
      out.tag(FRAME_DONE, WireFormat.WIRETYPE_VARINT);
      out.varint(1);
    }
    Sink row = new Sink(256);
    Sink value = new Sink(64);
    for (Object r : frame.rows) {
      if (r == null) {
        continue; // as Meta.Frame.toProto
      }
      row.reset();
      if (r instanceof Object[] columns) {
        for (Object column : columns) {
          writeColumn(column, row, value);
        }
      } else if (r instanceof Iterable<?> columns) {
        for (Object column : columns) {
          writeColumn(column, row, value);
        }
      } else {
        throw new IllegalArgumentException("a row must be an array or a list, got " + r.getClass().getName());
      }
      out.tag(FRAME_ROWS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.varint(row.size());
      out.write(row);
    }
  }

  /** Appends one {@code Row.value} entry: a {@code ColumnValue} with the scalar, or the array, set once. */
  private static void writeColumn(Object column, Sink row, Sink value) {
    if (writeCommonColumn(column, row)) {
      return;
    }
    value.reset();
    if (column instanceof List<?> list) {
      // An array: each element once in array_value, then has_array_value (as Meta.Frame.parseColumn, less the
      // deprecated copies).
      for (Object element : list) {
        byte[] typed = typedValue(element);
        value.tag(COLUMN_ARRAY_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        value.varint(typed.length);
        value.write(typed, 0, typed.length);
      }
      value.tag(COLUMN_HAS_ARRAY_VALUE, WireFormat.WIRETYPE_VARINT);
      value.varint(1);
      row.tag(ROW_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      row.varint(value.size());
      row.write(value);
      return;
    }
    byte[] typed = typedValue(column);
    columnHeader(row, typed.length);
    row.write(typed, 0, typed.length);
  }

  /** The {@code Row.value} tag and length, and the {@code scalar_value} tag and length, of a scalar column. */
  private static void columnHeader(Sink row, int typedLength) {
    row.tag(ROW_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    row.varint(1 + Sink.varintSize(typedLength) + typedLength);
    row.tag(COLUMN_SCALAR_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    row.varint(typedLength);
  }

  /** A value as Avatica's {@code TypedValue.toProto} encodes it. */
  private static byte[] typedValue(Object o) {
    Common.TypedValue.Builder builder = Common.TypedValue.newBuilder();
    TypedValue.toProto(builder, o);
    return builder.build().toByteArray();
  }

  /**
   * Writes a scalar column of a common type, its {@code TypedValue} exactly as {@code TypedValue.toProto} encodes it
   * (proto3: fields at their default value are not written), straight into the row; false for any other value.
   */
  private static boolean writeCommonColumn(Object o, Sink row) {
    if (o == null) {
      columnHeader(row, typeSize(Common.Rep.NULL) + 2);
      type(row, Common.Rep.NULL);
      row.tag(TYPED_NULL, WireFormat.WIRETYPE_VARINT);
      row.varint(1);
    } else if (o instanceof Integer i) {
      number(row, Common.Rep.INTEGER, i);
    } else if (o instanceof Long l) {
      number(row, Common.Rep.LONG, l);
    } else if (o instanceof String s) {
      string(row, Common.Rep.STRING, s);
    } else if (o instanceof Double d) {
      long bits = Double.doubleToRawLongBits(d);
      columnHeader(row, typeSize(Common.Rep.DOUBLE) + (bits != 0 ? 9 : 0));
      type(row, Common.Rep.DOUBLE);
      if (bits != 0) {
        row.tag(TYPED_DOUBLE, WireFormat.WIRETYPE_FIXED64);
        row.fixed64(bits);
      }
    } else if (o instanceof BigDecimal b) {
      string(row, Common.Rep.BIG_DECIMAL, b.toString());
    } else if (o instanceof Boolean b) {
      columnHeader(row, typeSize(Common.Rep.BOOLEAN) + (b ? 2 : 0));
      type(row, Common.Rep.BOOLEAN);
      if (b) {
        row.tag(TYPED_BOOL, WireFormat.WIRETYPE_VARINT);
        row.varint(1);
      }
    } else if (o instanceof Short s) {
      number(row, Common.Rep.SHORT, s);
    } else if (o instanceof Byte b) {
      number(row, Common.Rep.BYTE, b);
    } else if (o instanceof Float f) {
      number(row, Common.Rep.FLOAT, Float.floatToIntBits(f));
    } else {
      return false;
    }
    return true;
  }

  private static int typeSize(Common.Rep rep) {
    return rep.getNumber() == 0 ? 0 : 1 + Sink.varintSize(rep.getNumber());
  }

  private static void type(Sink out, Common.Rep rep) {
    if (rep.getNumber() != 0) {
      out.tag(TYPED_TYPE, WireFormat.WIRETYPE_VARINT);
      out.varint(rep.getNumber());
    }
  }

  private static void number(Sink row, Common.Rep rep, long n) {
    long zigZag = (n << 1) ^ (n >> 63);
    columnHeader(row, typeSize(rep) + (n != 0 ? 1 + Sink.varintSize(zigZag) : 0));
    type(row, rep);
    if (n != 0) {
      row.tag(TYPED_NUMBER, WireFormat.WIRETYPE_VARINT);
      row.varint(zigZag);
    }
  }

  private static void string(Sink row, Common.Rep rep, String s) {
    byte[] bytes = s.isEmpty() ? null : s.getBytes(UTF_8);
    columnHeader(row, typeSize(rep) + (bytes == null ? 0 : 1 + Sink.varintSize(bytes.length) + bytes.length));
    type(row, rep);
    if (bytes != null) {
      row.tag(TYPED_STRING, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      row.varint(bytes.length);
      row.write(bytes, 0, bytes.length);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading

  /** Decodes a {@code Frame} message into what {@code Meta.Frame.fromProto} returns for it. */
  public static Meta.Frame read(byte[] bytes, int offset, int length) throws IOException {
    try {
      return readCommon(CodedInputStream.newInstance(bytes, offset, length));
    } catch (NotCommon e) {
      return Meta.Frame.fromProto(Common.Frame.parseFrom(CodedInputStream.newInstance(bytes, offset, length)));
    }
  }

  private static Meta.Frame readCommon(CodedInputStream in) throws IOException {
    long offset = 0;
    boolean done = false;
    List<Object> rows = new ArrayList<>();
    int width = 4;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (FRAME_OFFSET << 3) | WireFormat.WIRETYPE_VARINT -> offset = in.readUInt64();
        case (FRAME_DONE << 3) | WireFormat.WIRETYPE_VARINT -> done = in.readBool();
        case (FRAME_ROWS << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          int limit = in.pushLimit(in.readRawVarint32());
          ArrayList<Object> row = new ArrayList<>(width);
          for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t == ((ROW_VALUE << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
              int columnLimit = in.pushLimit(in.readRawVarint32());
              row.add(readColumn(in));
              in.popLimit(columnLimit);
            } else if (!in.skipField(t)) {
              break;
            }
          }
          in.popLimit(limit);
          width = Math.max(width, row.size());
          rows.add(row);
        }
        default -> {
          if (!in.skipField(tag)) {
            return new Meta.Frame(offset, done, rows);
          }
        }
      }
    }
    return new Meta.Frame(offset, done, rows);
  }

  /** A {@code ColumnValue} whose only meaningful field is {@code scalar_value}, of a common type. */
  private static Object readColumn(CodedInputStream in) throws IOException {
    Object value = null;
    boolean scalar = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (COLUMN_SCALAR_VALUE << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          if (scalar) {
            throw NotCommon.INSTANCE; // a repeated message field merges: leave that to protobuf
          }
          int limit = in.pushLimit(in.readRawVarint32());
          value = readScalar(in);
          in.popLimit(limit);
          scalar = true;
        }
        case (COLUMN_VALUE_DEPRECATED << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.skipRawBytes(
            in.readRawVarint32());
        case (COLUMN_HAS_ARRAY_VALUE << 3) | WireFormat.WIRETYPE_VARINT -> {
          if (in.readBool()) {
            throw NotCommon.INSTANCE;
          }
        }
        case (COLUMN_ARRAY_VALUE << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> throw NotCommon.INSTANCE;
        default -> {
          if (!in.skipField(tag)) {
            throw NotCommon.INSTANCE;
          }
        }
      }
    }
    if (!scalar) {
      throw NotCommon.INSTANCE; // an old-style column (value only) or an array
    }
    return value;
  }

  /** A {@code TypedValue} of a common type, as {@code TypedValue.getSerialFromProto} reads it. */
  private static Object readScalar(CodedInputStream in) throws IOException {
    int type = 0;
    boolean bool = false;
    byte[] string = null;
    long number = 0;
    double dbl = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (TYPED_TYPE << 3) | WireFormat.WIRETYPE_VARINT -> type = in.readEnum();
        case (TYPED_BOOL << 3) | WireFormat.WIRETYPE_VARINT -> bool = in.readBool();
        case (TYPED_STRING << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> string = in.readByteArray();
        case (TYPED_NUMBER << 3) | WireFormat.WIRETYPE_VARINT -> number = in.readSInt64();
        case (TYPED_DOUBLE << 3) | WireFormat.WIRETYPE_FIXED64 -> dbl = in.readDouble();
        default -> {
          if (!in.skipField(tag)) {
            throw NotCommon.INSTANCE;
          }
        }
      }
    }
    Common.Rep rep = Common.Rep.forNumber(type);
    if (rep == null) {
      throw NotCommon.INSTANCE;
    }
    return switch (rep) {
      case INTEGER, PRIMITIVE_INT, JAVA_SQL_DATE, JAVA_SQL_TIME -> (int) number;
      case LONG, PRIMITIVE_LONG, NUMBER, JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE -> number;
      case STRING -> string == null ? "" : new String(string, UTF_8);
      case NULL -> null;
      case DOUBLE, PRIMITIVE_DOUBLE -> dbl;
      case BOOLEAN, PRIMITIVE_BOOLEAN -> bool;
      case SHORT, PRIMITIVE_SHORT -> (short) number;
      case BYTE, PRIMITIVE_BYTE -> (byte) number;
      case FLOAT, PRIMITIVE_FLOAT -> Float.intBitsToFloat((int) number);
      case BIG_DECIMAL -> {
        if (number != 0 || string == null) {
          throw NotCommon.INSTANCE; // the pre-CALCITE-1103 form, or no value: Avatica's own reader decides
        }
        yield new BigDecimal(new String(string, UTF_8));
      }
      default -> throw NotCommon.INSTANCE;
    };
  }

  /** Thrown (without a stack trace) when a frame holds something only Avatica's own decoder should read. */
  private static final class NotCommon extends InvalidProtocolBufferException {
    private static final long serialVersionUID = 1L;
    static final NotCommon INSTANCE = new NotCommon();

    private NotCommon() {
      super("not a common frame");
      setStackTrace(new StackTraceElement[0]);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** A growable byte buffer with the few protobuf primitives the writer needs. */
  static final class Sink {
    private byte[] buf;
    private int size;

    Sink(int capacity) {
      buf = new byte[capacity];
    }

    int size() {
      return size;
    }

    void reset() {
      size = 0;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }

    byte[] buffer() {
      return buf;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void tag(int field, int wireType) {
      varint(((long) field << 3) | wireType);
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void fixed64(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[size++] = (byte) (v >>> (8 * i));
      }
    }

    void write(byte[] bytes, int offset, int length) {
      ensure(length);
      System.arraycopy(bytes, offset, buf, size, length);
      size += length;
    }

    void write(Sink other) {
      write(other.buf, 0, other.size);
    }

    static int varintSize(long v) {
      int n = 1;
      while ((v & ~0x7FL) != 0) {
        n++;
        v >>>= 7;
      }
      return n;
    }
  }
}
