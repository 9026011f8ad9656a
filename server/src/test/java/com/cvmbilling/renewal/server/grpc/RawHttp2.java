package com.cvmbilling.renewal.server.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare HTTP/2 client over a plain socket, for sending what no gRPC client sends: frames are
 * written by hand, header blocks are HPACK-coded by Netty's encoder (without the peer's header list
 * limit) and split into HEADERS and CONTINUATION frames. A reader thread answers SETTINGS and PING
 * and files every frame it receives under its stream (0 for the connection).
 */
final class RawHttp2 implements AutoCloseable {
  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int WINDOW_UPDATE = 8;
  static final int CONTINUATION = 9;
  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;
  static final int ACK = 0x1;

  /** A frame received (type -1: the connection ended). */
  record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {
    boolean endsStream() {
      return type == RST_STREAM
          || type == GOAWAY
          || type < 0
          || ((type == DATA || type == HEADERS) && (flags & END_STREAM) != 0);
    }

    long errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xffL) << 24)
          | ((payload[at + 1] & 0xff) << 16)
          | ((payload[at + 2] & 0xff) << 8)
          | (payload[at + 3] & 0xff);
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DefaultHttp2HeadersEncoder encoder =
      new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true);
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
  private final Map<Integer, BlockingQueue<Frame>> streams = new ConcurrentHashMap<>();
  private final Thread reader;
  private int nextStreamId = 1;

  RawHttp2(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    synchronized (this) {
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      frame(SETTINGS, 0, 0, new byte[0]);
      // A large connection window: the server never waits for us.
      frame(WINDOW_UPDATE, 0, 0, int32(1 << 30));
    }
    reader = new Thread(this::read, "raw-http2-reader");
    reader.setDaemon(true);
    reader.start();
  }

  synchronized int newStream() {
    int id = nextStreamId;
    nextStreamId += 2;
    queue(id); // so that a GOAWAY or the end of the connection reaches it
    return id;
  }

  /** A header block in one HEADERS frame and as many CONTINUATION frames as it needs. */
  synchronized void headers(int streamId, List<Map.Entry<String, String>> fields, boolean end)
      throws IOException {
    Http2Headers headers = new DefaultHttp2Headers(false);
    fields.forEach(f -> headers.add(f.getKey(), f.getValue()));
    ByteBuf block = Unpooled.buffer();
    try {
      encoder.encodeHeaders(streamId, headers, block);
    } catch (io.netty.handler.codec.http2.Http2Exception e) {
      throw new IOException(e);
    }
    byte[] bytes = new byte[block.readableBytes()];
    block.readBytes(bytes);
    block.release();
    int max = 16_384;
    int at = 0;
    boolean first = true;
    do {
      int n = Math.min(max, bytes.length - at);
      byte[] part = java.util.Arrays.copyOfRange(bytes, at, at + n);
      at += n;
      int flags = (at == bytes.length ? END_HEADERS : 0) | (first && end ? END_STREAM : 0);
      frame(first ? HEADERS : CONTINUATION, flags, streamId, part);
      first = false;
    } while (at < bytes.length);
  }

  synchronized void data(int streamId, byte[] payload, boolean end) throws IOException {
    frame(DATA, end ? END_STREAM : 0, streamId, payload);
  }

  synchronized void ping() throws IOException {
    frame(PING, 0, 0, new byte[8]);
  }

  private void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
    byte[] head = {
      (byte) (payload.length >>> 16),
      (byte) (payload.length >>> 8),
      (byte) payload.length,
      (byte) type,
      (byte) flags,
      (byte) (streamId >>> 24),
      (byte) (streamId >>> 16),
      (byte) (streamId >>> 8),
      (byte) streamId
    };
    out.write(head);
    out.write(payload);
    out.flush();
  }

  private static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private BlockingQueue<Frame> queue(int streamId) {
    return streams.computeIfAbsent(streamId, k -> new LinkedBlockingQueue<>());
  }

  /** The next frame received on {@code streamId} (0: the connection's), failing after a minute. */
  Frame next(int streamId) throws InterruptedException {
    Frame f = queue(streamId).poll(60, TimeUnit.SECONDS);
    if (f == null) {
      throw new AssertionError("nothing received on stream " + streamId + " for a minute");
    }
    return f;
  }

  /** Frames received so far on {@code streamId}, without waiting. */
  List<Frame> received(int streamId) {
    return List.copyOf(queue(streamId));
  }

  /** Sends a PING and waits for its ACK: every frame the server sent before it has been filed. */
  void roundTrip() throws IOException, InterruptedException {
    ping();
    while (true) {
      Frame f = next(0);
      if (f.type() == PING || f.type() < 0 || f.type() == GOAWAY) {
        if (f.type() != PING) {
          queue(0).add(f);
        }
        return;
      }
    }
  }

  private void read() {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      ByteArrayOutputStream block = null;
      int blockStream = 0;
      int blockFlags = 0;
      while (true) {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        switch (type) {
          case SETTINGS -> {
            if ((flags & ACK) == 0) {
              synchronized (this) {
                frame(SETTINGS, ACK, 0, new byte[0]);
              }
            }
          }
          case PING -> {
            if ((flags & ACK) == 0) {
              synchronized (this) {
                frame(PING, ACK, 0, payload);
              }
            } else {
              queue(0).add(new Frame(PING, flags, 0, payload, null));
            }
          }
          case HEADERS, CONTINUATION -> {
            if (type == HEADERS) {
              block = new ByteArrayOutputStream();
              blockStream = streamId;
              blockFlags = flags;
              int skip = (flags & 0x20) != 0 ? 5 : 0; // PRIORITY
              int pad = (flags & 0x8) != 0 ? payload[0] & 0xff : 0;
              int start = ((flags & 0x8) != 0 ? 1 : 0) + skip;
              block.write(payload, start, payload.length - start - pad);
            } else {
              block.write(payload, 0, payload.length);
            }
            if ((flags & END_HEADERS) != 0) {
              ByteBuf buf = Unpooled.wrappedBuffer(block.toByteArray());
              Http2Headers headers = decoder.decodeHeaders(blockStream, buf);
              buf.release();
              queue(blockStream)
                  .add(new Frame(HEADERS, blockFlags, blockStream, new byte[0], headers));
            }
          }
          case DATA -> {
            if (length > 0) {
              synchronized (this) {
                frame(WINDOW_UPDATE, 0, streamId, int32(length));
              }
            }
            queue(streamId).add(new Frame(type, flags, streamId, payload, null));
          }
          case GOAWAY -> {
            Frame f = new Frame(type, flags, streamId, payload, null);
            streams.values().forEach(q -> q.add(f));
            queue(0).add(f);
          }
          case WINDOW_UPDATE -> {}
          default -> queue(streamId).add(new Frame(type, flags, streamId, payload, null));
        }
      }
    } catch (EOFException | java.net.SocketException e) {
      ended();
    } catch (Exception e) {
      ended();
    }
  }

  private void ended() {
    Frame f = new Frame(-1, 0, 0, new byte[0], null);
    streams.values().forEach(q -> q.add(f));
    queue(0).add(f);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
