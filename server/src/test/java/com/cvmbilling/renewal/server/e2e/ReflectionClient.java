package com.cvmbilling.renewal.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A reflection client doing what grpcurl does: one bidirectional ServerReflectionInfo stream,
 * list_services, file_containing_symbol, then file_by_filename for every dependency until the set
 * of files is closed, and finally real descriptors built from them.
 */
final class ReflectionClient implements AutoCloseable {
  private final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
  private final StreamObserver<ServerReflectionRequest> requests;

  ReflectionClient(Channel channel) {
    requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answers.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answers.add(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
  }

  ServerReflectionResponse ask(ServerReflectionRequest request) throws InterruptedException {
    requests.onNext(request);
    Object answer = answers.poll(10, TimeUnit.SECONDS);
    assertThat(answer).as("reflection answer to %s", request).isNotNull();
    if (answer instanceof Throwable t) {
      throw new AssertionError("reflection stream failed", t);
    }
    return (ServerReflectionResponse) answer;
  }

  List<String> listServices() throws InterruptedException {
    ServerReflectionResponse response =
        ask(ServerReflectionRequest.newBuilder().setListServices("*").build());
    assertThat(response.hasListServicesResponse()).as("%s", response).isTrue();
    return response.getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName)
        .toList();
  }

  /** The file defining {@code symbol} and, transitively, every file it imports, by name. */
  Map<String, FileDescriptorProto> resolve(String symbol) throws Exception {
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    ServerReflectionResponse first =
        ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
    assertThat(first.hasFileDescriptorResponse())
        .as("file_containing_symbol %s: %s", symbol, first)
        .isTrue();
    List<FileDescriptorProto> protos =
        decode(first.getFileDescriptorResponse().getFileDescriptorProtoList());
    assertThat(protos).isNotEmpty();
    String root = protos.get(0).getName();
    protos.forEach(p -> files.put(p.getName(), p));

    // Ask for every dependency by file name, as grpcurl does when a server sends only the file
    // itself.
    Deque<String> pending = new ArrayDeque<>(files.get(root).getDependencyList());
    java.util.Set<String> asked = new java.util.HashSet<>();
    while (!pending.isEmpty()) {
      String name = pending.pop();
      if (!asked.add(name)) {
        continue;
      }
      ServerReflectionResponse r =
          ask(ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
      assertThat(r.hasFileDescriptorResponse()).as("file_by_filename %s: %s", name, r).isTrue();
      List<FileDescriptorProto> got =
          decode(r.getFileDescriptorResponse().getFileDescriptorProtoList());
      assertThat(got.get(0).getName()).isEqualTo(name);
      for (FileDescriptorProto p : got) {
        files.putIfAbsent(p.getName(), p);
      }
      pending.addAll(got.get(0).getDependencyList());
    }
    // Closed: every import of every file is present.
    for (FileDescriptorProto p : files.values()) {
      assertThat(files.keySet())
          .as("imports of %s", p.getName())
          .containsAll(p.getDependencyList());
    }
    return files;
  }

  private static List<FileDescriptorProto> decode(List<ByteString> raw)
      throws InvalidProtocolBufferException {
    List<FileDescriptorProto> out = new java.util.ArrayList<>();
    for (ByteString bytes : raw) {
      out.add(FileDescriptorProto.parseFrom(bytes));
    }
    return out;
  }

  /** Builds real descriptors (dependencies first), as a dynamic client would. */
  static FileDescriptor build(String name, Map<String, FileDescriptorProto> files)
      throws DescriptorValidationException {
    return build(name, files, new HashMap<>());
  }

  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> files, Map<String, FileDescriptor> built)
      throws DescriptorValidationException {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = files.get(name);
    assertThat(proto).as("descriptor of %s", name).isNotNull();
    FileDescriptor[] deps = new FileDescriptor[proto.getDependencyCount()];
    for (int i = 0; i < deps.length; i++) {
      deps[i] = build(proto.getDependency(i), files, built);
    }
    FileDescriptor fd = FileDescriptor.buildFrom(proto, deps);
    built.put(name, fd);
    return fd;
  }

  @Override
  public void close() {
    try {
      requests.onCompleted();
    } catch (RuntimeException ignored) {
      // the channel may already be gone
    }
  }
}
