using System.Collections.Concurrent;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// One <see cref="HttpMessageInvoker"/> per upstream id (a <see cref="SocketsHttpHandler"/> whose proxy is the
/// upstream), so each upstream keeps its own pool of keep-alive connections for absolute-form forwarding (YARP's
/// <c>IHttpForwarder</c>). Handlers never add anything: no cookies, no redirects, no decompression, no
/// <c>traceparent</c>. When an upstream leaves the snapshot (or its endpoint changes) its invoker is retired and
/// disposed after a grace period (<see cref="DisposeGrace"/>), so responses still streaming through it finish.
/// Given an <see cref="IPoolSnapshotSource"/>, <see cref="Get(UpstreamProxy)"/> prunes by itself whenever the snapshot version
/// changed; otherwise call <see cref="Prune"/> with the current snapshot now and then (it returns at once when
/// nothing changed).
/// </summary>
public sealed class UpstreamHttpInvokerCache : IDisposable
{
    /// <summary>Most invokers kept for per-request credentials (backconnect targeting) before idle ones are swept.</summary>
    public const int MaxCredentialInvokers = 4096;

    private readonly ConcurrentDictionary<long, UpstreamHttpInvoker> _invokers = new();
    private readonly ConcurrentDictionary<(long Id, UpstreamCredentials Credentials), CredentialInvoker> _byCredentials = new();
    private readonly ConcurrentQueue<(UpstreamHttpInvoker Invoker, long RetiredAt)> _retired = new();
    private readonly GatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IPoolSnapshotSource? _snapshots;
    private readonly UpstreamConnector _connector;
    private readonly Action<SocketsHttpHandler>? _configureHandler;
    private readonly Lock _pruneLock = new();
    private long _prunedVersion = -1;
    private bool _disposed;

    /// <param name="snapshots">When given, invokers of upstreams that left the pool are retired automatically.</param>
    /// <param name="connector">Opens the tunnels of <see cref="UpstreamHttpInvoker.TunnelInvoker"/>; one is made from the options when null.</param>
    /// <param name="configureHandler">Adjusts every handler made (tests trust their own origin's certificate with it).</param>
    public UpstreamHttpInvokerCache(
        GatewayOptions options,
        TimeProvider timeProvider,
        IPoolSnapshotSource? snapshots = null,
        UpstreamConnector? connector = null,
        Action<SocketsHttpHandler>? configureHandler = null)
    {
        _configureHandler = configureHandler;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
        _snapshots = snapshots;
        _connector = connector ?? new UpstreamConnector(options, timeProvider);
        DisposeGrace = options.ResponseTimeout + options.IdleTimeout;
    }

    /// <summary>How long a retired invoker stays usable by requests already running through it.</summary>
    public TimeSpan DisposeGrace { get; }

    /// <summary>Invokers currently cached (not counting retired ones waiting for disposal).</summary>
    public int Count => _invokers.Count;

    /// <summary>The invoker for <paramref name="upstream"/>, created on first use; no allocation afterwards.</summary>
    public UpstreamHttpInvoker Get(UpstreamProxy upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_snapshots is not null)
        {
            Prune(_snapshots.Current);
        }

        if (_invokers.TryGetValue(upstream.Id, out UpstreamHttpInvoker? cached) && IsCurrent(cached, upstream.Endpoint))
        {
            return cached;
        }

        return Replace(upstream);
    }

    /// <summary>
    /// The invoker for <paramref name="upstream"/> that presents <paramref name="credentials"/> (a backconnect dialect's
    /// vendor credentials for one targeting), or the upstream's own invoker when null. Connections are pooled per
    /// credentials: a kept-alive connection that authenticated for one targeting (country DE, vendor session X) never
    /// carries a request written for another. Invokers idle longer than the idle timeout are retired once
    /// <see cref="MaxCredentialInvokers"/> is reached.
    /// </summary>
    public UpstreamHttpInvoker Get(UpstreamProxy upstream, UpstreamCredentials? credentials)
    {
        if (credentials is not { } perRequest)
        {
            return Get(upstream);
        }

        ArgumentNullException.ThrowIfNull(upstream);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_snapshots is not null)
        {
            Prune(_snapshots.Current);
        }

        long now = _timeProvider.GetTimestamp();
        var key = (upstream.Id, perRequest);
        if (_byCredentials.TryGetValue(key, out CredentialInvoker? cached) && SameEndpoint(cached.Base, upstream.Endpoint))
        {
            Volatile.Write(ref cached.LastUsed, now);
            return cached.Invoker;
        }

        if (_byCredentials.Count >= MaxCredentialInvokers)
        {
            SweepIdleCredentialInvokers(now);
        }

        UpstreamEndpoint endpoint = upstream.Endpoint with { Username = perRequest.Username, Password = perRequest.Password };
        var created = new CredentialInvoker(upstream.Endpoint, Create(upstream, endpoint), now);
        CredentialInvoker winner = _byCredentials.AddOrUpdate(
            key,
            static (_, fresh) => fresh,
            (_, existing, fresh) =>
            {
                if (SameEndpoint(existing.Base, fresh.Base))
                {
                    return existing;
                }

                _retired.Enqueue((existing.Invoker, _timeProvider.GetTimestamp()));
                return fresh;
            },
            created);
        if (!ReferenceEquals(winner, created))
        {
            created.Invoker.Dispose();
        }

        return winner.Invoker;
    }

    /// <summary>Invokers held for per-request credentials (for tests and diagnostics).</summary>
    public int CredentialInvokerCount => _byCredentials.Count;

    /// <summary>Retires invokers of upstreams that are no longer in <paramref name="snapshot"/> and disposes those past their grace.</summary>
    public void Prune(PoolSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (Volatile.Read(ref _prunedVersion) == snapshot.Version && _retired.IsEmpty)
        {
            return;
        }

        lock (_pruneLock)
        {
            if (_prunedVersion != snapshot.Version)
            {
                foreach (KeyValuePair<long, UpstreamHttpInvoker> entry in _invokers)
                {
                    if (!snapshot.TryGet(entry.Key, out UpstreamProxy? upstream) || !IsCurrent(entry.Value, upstream!.Endpoint))
                    {
                        if (_invokers.TryRemove(entry))
                        {
                            _retired.Enqueue((entry.Value, _timeProvider.GetTimestamp()));
                        }
                    }
                }

                foreach (KeyValuePair<(long Id, UpstreamCredentials Credentials), CredentialInvoker> entry in _byCredentials)
                {
                    if (!snapshot.TryGet(entry.Key.Id, out UpstreamProxy? upstream) || !SameEndpoint(entry.Value.Base, upstream!.Endpoint))
                    {
                        if (_byCredentials.TryRemove(entry))
                        {
                            _retired.Enqueue((entry.Value.Invoker, _timeProvider.GetTimestamp()));
                        }
                    }
                }

                Volatile.Write(ref _prunedVersion, snapshot.Version);
            }

            while (_retired.TryPeek(out (UpstreamHttpInvoker Invoker, long RetiredAt) oldest)
                && _timeProvider.GetElapsedTime(oldest.RetiredAt) >= DisposeGrace
                && _retired.TryDequeue(out oldest))
            {
                oldest.Invoker.Dispose();
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (UpstreamHttpInvoker invoker in _invokers.Values)
        {
            invoker.Dispose();
        }

        _invokers.Clear();
        foreach (CredentialInvoker entry in _byCredentials.Values)
        {
            entry.Invoker.Dispose();
        }

        _byCredentials.Clear();
        while (_retired.TryDequeue(out (UpstreamHttpInvoker Invoker, long RetiredAt) retired))
        {
            retired.Invoker.Dispose();
        }
    }

    private static bool SameEndpoint(UpstreamEndpoint a, UpstreamEndpoint b) => ReferenceEquals(a, b) || a == b;

    private static bool IsCurrent(UpstreamHttpInvoker invoker, UpstreamEndpoint endpoint) =>
        ReferenceEquals(invoker.Endpoint, endpoint) || invoker.Endpoint == endpoint;

    private UpstreamHttpInvoker Replace(UpstreamProxy upstream)
    {
        UpstreamHttpInvoker created = Create(upstream);
        UpstreamHttpInvoker winner = _invokers.AddOrUpdate(
            upstream.Id,
            static (_, fresh) => fresh,
            (_, existing, fresh) =>
            {
                if (IsCurrent(existing, fresh.Endpoint))
                {
                    return existing;
                }

                _retired.Enqueue((existing, _timeProvider.GetTimestamp()));
                return fresh;
            },
            created);

        if (!ReferenceEquals(winner, created))
        {
            // Another thread created the same invoker first.
            created.Dispose();
        }

        return winner;
    }

    /// <summary>Retires per-credential invokers idle longer than the idle timeout (their connections are closed by then anyway).</summary>
    private void SweepIdleCredentialInvokers(long now)
    {
        lock (_pruneLock)
        {
            foreach (KeyValuePair<(long Id, UpstreamCredentials Credentials), CredentialInvoker> entry in _byCredentials)
            {
                if (_timeProvider.GetElapsedTime(Volatile.Read(ref entry.Value.LastUsed), now) >= _options.IdleTimeout && _byCredentials.TryRemove(entry))
                {
                    _retired.Enqueue((entry.Value.Invoker, now));
                }
            }
        }
    }

    private UpstreamHttpInvoker Create(UpstreamProxy upstream) => Create(upstream, upstream.Endpoint);

    private UpstreamHttpInvoker Create(UpstreamProxy upstream, UpstreamEndpoint endpoint)
    {
        HttpMessageInvoker? absoluteForm = null;
        string? proxyAuthorization = null;
        if (endpoint.Scheme == UpstreamScheme.Http)
        {
            // WebProxy.Credentials would cost a 407 round trip per request; the caller sends this header instead.
            proxyAuthorization = ProxyAuthorization.BasicValue(endpoint);
            absoluteForm = new HttpMessageInvoker(Configure(UpstreamHttpHandlers.CreateAbsoluteForm(endpoint, _options.ConnectTimeout)), disposeHandler: true);
        }

        SocketsHttpHandler tunnelling = Configure(UpstreamHttpHandlers.CreateTunnelling(endpoint, upstream, _connector, _options.ConnectTimeout));
        return new UpstreamHttpInvoker(endpoint, absoluteForm, new HttpMessageInvoker(tunnelling, disposeHandler: true), proxyAuthorization);
    }

    private SocketsHttpHandler Configure(SocketsHttpHandler handler)
    {
        handler.PooledConnectionIdleTimeout = _options.IdleTimeout;
        handler.MaxResponseHeadersLength = Math.Max(1, _options.MaxHeaderBytes / 1024);
        _configureHandler?.Invoke(handler);
        return handler;
    }

    /// <summary>An invoker for one (upstream, credentials) pair, with the upstream endpoint it was made for and its last use.</summary>
    private sealed class CredentialInvoker(UpstreamEndpoint baseEndpoint, UpstreamHttpInvoker invoker, long lastUsed)
    {
        public long LastUsed = lastUsed;

        public UpstreamEndpoint Base { get; } = baseEndpoint;

        public UpstreamHttpInvoker Invoker { get; } = invoker;
    }
}
