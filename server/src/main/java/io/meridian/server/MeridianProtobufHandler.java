package io.meridian.server;

import static java.util.Objects.requireNonNull;

import io.meridian.jdbc.remote.FrameTranslation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.avatica.metrics.MetricsSystem;
import org.apache.calcite.avatica.metrics.noop.NoopMetricsSystem;
import org.apache.calcite.avatica.remote.Handler.HandlerResponse;
import org.apache.calcite.avatica.remote.ProtobufHandler;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.Service.RpcMetadataResponse;
import org.apache.calcite.avatica.server.AbstractAvaticaHandler;
import org.apache.calcite.avatica.util.UnsynchronizedBuffer;
import org.eclipse.jetty.server.Request;

/**
 * The server's protobuf endpoint: Avatica's {@code AvaticaProtobufHandler}, less authentication and impersonation
 * (Meridian's server configures neither), with {@link FrameTranslation} in place of Avatica's translation, so that
 * result rows are written once per value and without a protobuf object per value. Avatica's handler creates its
 * translation itself, hence this copy of its dozen lines of HTTP handling; requests, errors and every non-row message
 * are still Avatica's own.
 */
final class MeridianProtobufHandler extends AbstractAvaticaHandler {
  private final Service service;
  private final ProtobufHandler protobuf;
  private final MetricsSystem metrics = NoopMetricsSystem.getInstance();
  private final ThreadLocal<UnsynchronizedBuffer> buffers = ThreadLocal.withInitial(UnsynchronizedBuffer::new);

  MeridianProtobufHandler(Service service) {
    this.service = requireNonNull(service, "service is null");
    this.protobuf = new ProtobufHandler(service, new FrameTranslation(), metrics);
  }

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!request.getMethod().equals("POST")) {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      response.getOutputStream().write("This server expects only POST calls.".getBytes(StandardCharsets.UTF_8));
      baseRequest.setHandled(true);
      return;
    }
    byte[] requestBytes;
    UnsynchronizedBuffer buffer = buffers.get();
    try (var in = request.getInputStream()) {
      requestBytes = AvaticaUtils.readFullyToBytes(in, buffer);
    } finally {
      buffer.reset();
    }
    response.setContentType("application/octet-stream;charset=utf-8");
    HandlerResponse<byte[]> handlerResponse;
    try {
      handlerResponse = protobuf.apply(requestBytes);
    } catch (RuntimeException e) {
      handlerResponse = protobuf.convertToErrorResponse(e);
    }
    baseRequest.setHandled(true);
    response.setStatus(handlerResponse.getStatusCode());
    byte[] body = handlerResponse.getResponse();
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  @Override
  public void setServerRpcMetadata(RpcMetadataResponse metadata) {
    service.setRpcMetadata(metadata);
    protobuf.setRpcMetadata(metadata);
  }

  @Override
  public MetricsSystem getMetrics() {
    return metrics;
  }
}
