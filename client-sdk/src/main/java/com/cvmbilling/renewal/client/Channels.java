package com.cvmbilling.renewal.client;

import io.grpc.Attributes;
import io.grpc.ChannelCredentials;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the channel: a static list of targets, resolved by a name resolver private to the channel,
 * balanced {@code round_robin}, over Netty with TLS or plaintext.
 */
final class Channels {
  static final String SCHEME = "renewal-static";

  private Channels() {}

  static ManagedChannel create(ClientSettings settings) {
    ChannelCredentials credentials =
        settings
            .tls()
            .map(TlsSettings::toChannelCredentials)
            .orElseGet(InsecureChannelCredentials::create);
    String authorityOverride = settings.tls().map(TlsSettings::authorityOverride).orElse(null);
    NameResolverRegistry registry = new NameResolverRegistry();
    registry.register(new StaticProvider(settings.targets(), authorityOverride == null));
    ManagedChannelBuilder<?> builder =
        Grpc.newChannelBuilder(SCHEME + ":///targets", credentials, registry)
            .defaultLoadBalancingPolicy("round_robin")
            .userAgent(RenewalSdk.userAgent(settings.userAgent()));
    if (authorityOverride != null) {
      builder.overrideAuthority(authorityOverride);
    }
    settings
        .keepAliveTime()
        .ifPresent(
            time ->
                builder
                    .keepAliveTime(time.toNanos(), TimeUnit.NANOSECONDS)
                    .keepAliveTimeout(settings.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .keepAliveWithoutCalls(settings.keepAliveWithoutCalls()));
    if (!settings.interceptors().isEmpty()) {
      builder.intercept(settings.interceptors());
    }
    return builder.build();
  }

  /** Resolves each {@code host:port} to its addresses; one address group per target. */
  private static final class StaticProvider extends NameResolverProvider {
    private final List<String> targets;
    private final boolean authorityPerTarget;

    StaticProvider(List<String> targets, boolean authorityPerTarget) {
      this.targets = List.copyOf(targets);
      this.authorityPerTarget = authorityPerTarget;
    }

    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 5;
    }

    @Override
    public String getDefaultScheme() {
      return SCHEME;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
      return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
      if (!SCHEME.equals(targetUri.getScheme())) {
        return null;
      }
      return new NameResolver() {
        private Listener2 listener;

        @Override
        public String getServiceAuthority() {
          return authority(targets.get(0));
        }

        @Override
        public void start(Listener2 listener) {
          this.listener = listener;
          resolve();
        }

        @Override
        public void refresh() {
          if (listener != null) {
            resolve();
          }
        }

        private void resolve() {
          // Host names are looked up off the channel's synchronization context.
          args.getOffloadExecutor()
              .execute(
                  () -> {
                    List<EquivalentAddressGroup> groups = new ArrayList<>();
                    List<String> unresolved = new ArrayList<>();
                    for (String target : targets) {
                      InetSocketAddress parsed = ClientBuilder.parseTarget(target);
                      try {
                        List<SocketAddress> addresses = new ArrayList<>();
                        for (InetAddress a : InetAddress.getAllByName(parsed.getHostString())) {
                          addresses.add(new InetSocketAddress(a, parsed.getPort()));
                        }
                        Attributes attrs =
                            authorityPerTarget
                                ? Attributes.newBuilder()
                                    .set(
                                        EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE,
                                        authority(target))
                                    .build()
                                : Attributes.EMPTY;
                        groups.add(new EquivalentAddressGroup(addresses, attrs));
                      } catch (UnknownHostException e) {
                        unresolved.add(target);
                      }
                    }
                    ResolutionResult result =
                        ResolutionResult.newBuilder()
                            .setAddressesOrError(
                                groups.isEmpty()
                                    ? StatusOr.fromStatus(
                                        Status.UNAVAILABLE.withDescription(
                                            "cannot resolve " + unresolved))
                                    : StatusOr.fromValue(groups))
                            .build();
                    args.getSynchronizationContext()
                        .execute(
                            () -> {
                              if (listener != null) {
                                listener.onResult2(result);
                              }
                            });
                  });
        }

        @Override
        public void shutdown() {
          listener = null;
        }
      };
    }
  }

  /** {@code host:port} as TLS checks it (brackets kept for IPv6). */
  static String authority(String target) {
    InetSocketAddress parsed = ClientBuilder.parseTarget(target);
    String host = parsed.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + parsed.getPort();
  }
}
