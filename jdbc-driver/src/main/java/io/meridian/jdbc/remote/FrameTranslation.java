package io.meridian.jdbc.remote;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica's protobuf translation with the rows of results encoded and decoded by {@link FrameCodec}: used by
 * Meridian's server to write responses and by Meridian's remote driver to read them.
 *
 * <p>Only the frames change. A response that carries rows ({@code FetchResponse}, {@code ExecuteResponse} and the
 * {@code ResultSetResponse} of metadata calls) is translated by Avatica without its frames, and the frames are
 * spliced in (writing) or cut out (reading) as length-delimited fields of the same message: protobuf allows fields in
 * any order, so the bytes are a valid message of Avatica's schema either way. Every other message, and every request,
 * is Avatica's own translation.
 */
public final class FrameTranslation extends ProtobufTranslationImpl {
  private static final String FETCH = Responses.FetchResponse.class.getName();
  private static final String EXECUTE = Responses.ExecuteResponse.class.getName();
  private static final String RESULT_SET = Responses.ResultSetResponse.class.getName();
  // Field numbers of responses.proto and common.proto.
  private static final int FETCH_FRAME = Responses.FetchResponse.FRAME_FIELD_NUMBER;
  private static final int EXECUTE_RESULTS = Responses.ExecuteResponse.RESULTS_FIELD_NUMBER;
  private static final int RESULT_SET_FIRST_FRAME = Responses.ResultSetResponse.FIRST_FRAME_FIELD_NUMBER;
  private static final int WIRE_NAME = WireMessage.NAME_FIELD_NUMBER;
  private static final int WIRE_WRAPPED = WireMessage.WRAPPED_MESSAGE_FIELD_NUMBER;

  // ---------------------------------------------------------------------------------------------------------------
  // Writing (server)

  @Override
  public byte[] serializeResponse(Service.Response response) throws IOException {
    if (response instanceof Service.FetchResponse f && f.frame != null) {
      byte[] rest = wrapped(super.serializeResponse(
          new Service.FetchResponse(null, f.missingStatement, f.missingResults, f.rpcMetadata)));
      FrameCodec.Sink body = new FrameCodec.Sink(rest.length + 4096);
      appendFrame(body, FETCH_FRAME, f.frame);
      body.write(rest, 0, rest.length);
      return wire(FETCH, body);
    }
    if (response instanceof Service.ResultSetResponse r && r.firstFrame != null) {
      byte[] rest = wrapped(super.serializeResponse(withoutFrame(r)));
      FrameCodec.Sink body = new FrameCodec.Sink(rest.length + 4096);
      body.write(rest, 0, rest.length);
      appendFrame(body, RESULT_SET_FIRST_FRAME, r.firstFrame);
      return wire(RESULT_SET, body);
    }
    if (response instanceof Service.ExecuteResponse e && e.results != null
        && e.results.stream().anyMatch(r -> r.firstFrame != null)) {
      List<Service.ResultSetResponse> stripped = new ArrayList<>(e.results.size());
      for (Service.ResultSetResponse r : e.results) {
        stripped.add(withoutFrame(r));
      }
      byte[] rest = wrapped(super.serializeResponse(
          new Service.ExecuteResponse(stripped, e.missingStatement, e.rpcMetadata)));
      FrameCodec.Sink body = new FrameCodec.Sink(rest.length + 4096);
      FrameCodec.Sink result = new FrameCodec.Sink(1024);
      CodedInputStream in = CodedInputStream.newInstance(rest);
      int index = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        int start = in.getTotalBytesRead() - tagSize(tag);
        if (tag == lengthDelimited(EXECUTE_RESULTS)) {
          int length = in.readRawVarint32();
          int at = in.getTotalBytesRead();
          in.skipRawBytes(length);
          result.reset();
          result.write(rest, at, length);
          Meta.Frame frame = e.results.get(index++).firstFrame;
          if (frame != null) {
            appendFrame(result, RESULT_SET_FIRST_FRAME, frame);
          }
          body.tag(EXECUTE_RESULTS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          body.varint(result.size());
          body.write(result);
        } else {
          in.skipField(tag);
          body.write(rest, start, in.getTotalBytesRead() - start);
        }
      }
      return wire(EXECUTE, body);
    }
    return super.serializeResponse(response);
  }

  private static Service.ResultSetResponse withoutFrame(Service.ResultSetResponse r) {
    return new Service.ResultSetResponse(r.connectionId, r.statementId, r.ownStatement, r.signature, null,
        r.updateCount, r.rpcMetadata);
  }

  private static void appendFrame(FrameCodec.Sink out, int field, Meta.Frame frame) {
    FrameCodec.Sink encoded = new FrameCodec.Sink(4096);
    FrameCodec.write(frame, encoded);
    out.tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.varint(encoded.size());
    out.write(encoded);
  }

  /** The message inside a serialized {@code WireMessage}. */
  private static byte[] wrapped(byte[] wire) throws IOException {
    return WireMessage.parseFrom(wire).getWrappedMessage().toByteArray();
  }

  /** A serialized {@code WireMessage} holding a message of the class named. */
  private static byte[] wire(String name, FrameCodec.Sink body) {
    byte[] nameBytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    FrameCodec.Sink out = new FrameCodec.Sink(nameBytes.length + body.size() + 16);
    out.tag(WIRE_NAME, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.varint(nameBytes.length);
    out.write(nameBytes, 0, nameBytes.length);
    out.tag(WIRE_WRAPPED, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.varint(body.size());
    out.write(body);
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading (client)

  @Override
  public Service.Response parseResponse(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String name = null;
    int at = -1;
    int length = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == lengthDelimited(WIRE_NAME)) {
        name = in.readString();
      } else if (tag == lengthDelimited(WIRE_WRAPPED)) {
        length = in.readRawVarint32();
        at = in.getTotalBytesRead();
        in.skipRawBytes(length);
      } else {
        in.skipField(tag);
      }
    }
    if (at < 0 || name == null) {
      return super.parseResponse(bytes);
    }
    if (FETCH.equals(name)) {
      Cut cut = cut(bytes, at, length, FETCH_FRAME);
      if (cut.frameLength < 0) {
        return super.parseResponse(bytes);
      }
      Service.FetchResponse base = (Service.FetchResponse) super.parseResponse(wire(name, cut.rest));
      return new Service.FetchResponse(FrameCodec.read(bytes, cut.frameAt, cut.frameLength), base.missingStatement,
          base.missingResults, base.rpcMetadata);
    }
    if (RESULT_SET.equals(name)) {
      Cut cut = cut(bytes, at, length, RESULT_SET_FIRST_FRAME);
      if (cut.frameLength < 0) {
        return super.parseResponse(bytes);
      }
      Service.ResultSetResponse base = (Service.ResultSetResponse) super.parseResponse(wire(name, cut.rest));
      return withFrame(base, FrameCodec.read(bytes, cut.frameAt, cut.frameLength));
    }
    if (EXECUTE.equals(name)) {
      return parseExecute(bytes, at, length);
    }
    return super.parseResponse(bytes);
  }

  private Service.Response parseExecute(byte[] bytes, int at, int length) throws IOException {
    FrameCodec.Sink rest = new FrameCodec.Sink(1024);
    List<Meta.Frame> frames = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(bytes, at, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int start = at + in.getTotalBytesRead() - tagSize(tag);
      if (tag == lengthDelimited(EXECUTE_RESULTS)) {
        int resultLength = in.readRawVarint32();
        int resultAt = at + in.getTotalBytesRead();
        in.skipRawBytes(resultLength);
        Cut cut = cut(bytes, resultAt, resultLength, RESULT_SET_FIRST_FRAME);
        rest.tag(EXECUTE_RESULTS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        if (cut.frameLength < 0) {
          frames.add(null);
          rest.varint(resultLength);
          rest.write(bytes, resultAt, resultLength);
        } else {
          frames.add(FrameCodec.read(bytes, cut.frameAt, cut.frameLength));
          rest.varint(cut.rest.size());
          rest.write(cut.rest);
        }
      } else {
        in.skipField(tag);
        rest.write(bytes, start, at + in.getTotalBytesRead() - start);
      }
    }
    Service.ExecuteResponse base = (Service.ExecuteResponse) super.parseResponse(wire(EXECUTE, rest));
    if (base.results == null || base.results.size() != frames.size()) {
      return super.parseResponse(wire(EXECUTE, rest)); // cannot happen for a well-formed message
    }
    List<Service.ResultSetResponse> results = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      Service.ResultSetResponse r = base.results.get(i);
      results.add(frames.get(i) == null ? r : withFrame(r, frames.get(i)));
    }
    return new Service.ExecuteResponse(results, base.missingStatement, base.rpcMetadata);
  }

  private static Service.ResultSetResponse withFrame(Service.ResultSetResponse r, Meta.Frame frame) {
    return new Service.ResultSetResponse(r.connectionId, r.statementId, r.ownStatement, r.signature, frame,
        r.updateCount, r.rpcMetadata);
  }

  /**
   * A message's bytes split into its frame field and every other field; no frame ({@code frameLength} -1) when the
   * field is absent or occurs twice (protobuf would merge the two: left to Avatica's own reader).
   */
  private record Cut(int frameAt, int frameLength, FrameCodec.Sink rest) {}

  private static Cut cut(byte[] bytes, int at, int length, int frameField) throws IOException {
    FrameCodec.Sink rest = new FrameCodec.Sink(Math.min(length, 1024));
    int frameAt = -1;
    int frameLength = -1;
    CodedInputStream in = CodedInputStream.newInstance(bytes, at, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int start = at + in.getTotalBytesRead() - tagSize(tag);
      if (tag == lengthDelimited(frameField)) {
        if (frameLength >= 0) {
          return new Cut(-1, -1, rest);
        }
        frameLength = in.readRawVarint32();
        frameAt = at + in.getTotalBytesRead();
        in.skipRawBytes(frameLength);
      } else {
        in.skipField(tag);
        rest.write(bytes, start, at + in.getTotalBytesRead() - start);
      }
    }
    return new Cut(frameAt, frameLength, rest);
  }

  private static int lengthDelimited(int field) {
    return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }

  private static int tagSize(int tag) {
    return FrameCodec.Sink.varintSize(tag & 0xFFFFFFFFL);
  }
}
