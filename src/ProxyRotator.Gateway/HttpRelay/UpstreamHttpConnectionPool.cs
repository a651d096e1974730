using System.Collections.Concurrent;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// Idle keep-alive connections of the HTTP relay, per upstream and credentials (as <see cref="UpstreamHttpInvokerCache"/>
/// keeps one handler per pair: a connection that authenticated for one targeting never carries a request written for
/// another), and per origin for tunnels through SOCKS5 upstreams. A connection idle longer than the idle timeout, or
/// opened for an endpoint that has changed since, is closed instead of reused; a sweep closes idle ones that nobody
/// asks for any more.
/// </summary>
internal sealed class UpstreamHttpConnectionPool(GatewayOptions options, TimeProvider timeProvider) : IDisposable
{
    /// <summary>Idle connections kept per key; more are closed when returned.</summary>
    public const int MaxIdlePerKey = 256;

    private readonly ConcurrentDictionary<PoolKey, ConcurrentStack<UpstreamHttpConnection>> _idle = new();
    private long _lastSweep = timeProvider.GetTimestamp();
    private int _sweeping;
    private bool _disposed;

    /// <summary>Idle connections in the pool (tests and diagnostics).</summary>
    public int IdleCount => _idle.Values.Sum(stack => stack.Count);

    /// <summary>A snapshot of the idle connections (tests and diagnostics).</summary>
    public UpstreamHttpConnection[] IdleConnections() => [.. _idle.Values.SelectMany(stack => stack)];

    /// <summary>
    /// A pooled connection for the key, or null. With <paramref name="probe"/> it must also still look usable (one
    /// non-blocking poll): for a request that could not be sent again if the connection turned out closed.
    /// </summary>
    public UpstreamHttpConnection? Rent(in PoolKey key, UpstreamProxy upstream, bool probe)
    {
        if (!_idle.TryGetValue(key, out ConcurrentStack<UpstreamHttpConnection>? stack))
        {
            return null;
        }

        while (stack.TryPop(out UpstreamHttpConnection? connection))
        {
            if (connection.Endpoint == upstream.Endpoint && timeProvider.GetElapsedTime(connection.IdleSince) < options.IdleTimeout
                && (!probe || connection.LooksReusable()))
            {
                return connection;
            }

            connection.Dispose();
        }

        return null;
    }

    public void Return(in PoolKey key, UpstreamHttpConnection connection)
    {
        if (_disposed)
        {
            connection.Dispose();
            return;
        }

        connection.IdleSince = timeProvider.GetTimestamp();
        connection.Reader.Release();
        ConcurrentStack<UpstreamHttpConnection> stack = _idle.GetOrAdd(key, static _ => new ConcurrentStack<UpstreamHttpConnection>());
        if (stack.Count >= MaxIdlePerKey)
        {
            connection.Dispose();
        }
        else
        {
            stack.Push(connection);
        }

        SweepNowAndThen(connection.IdleSince);
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (ConcurrentStack<UpstreamHttpConnection> stack in _idle.Values)
        {
            while (stack.TryPop(out UpstreamHttpConnection? connection))
            {
                connection.Dispose();
            }
        }
    }

    // At most every idle timeout: closes connections idle longer than that (upstreams that left the pool, keys unused).
    private void SweepNowAndThen(long now)
    {
        if (timeProvider.GetElapsedTime(Volatile.Read(ref _lastSweep), now) < options.IdleTimeout || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _lastSweep, now);
            foreach (KeyValuePair<PoolKey, ConcurrentStack<UpstreamHttpConnection>> entry in _idle)
            {
                UpstreamHttpConnection[] all = entry.Value.ToArray();
                if (all.Length == 0)
                {
                    _idle.TryRemove(entry);
                    continue;
                }

                foreach (UpstreamHttpConnection connection in all)
                {
                    if (timeProvider.GetElapsedTime(connection.IdleSince, now) >= options.IdleTimeout && TryTake(entry.Value, connection))
                    {
                        connection.Dispose();
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    // Takes one connection out of a stack (rare: the sweep), putting back the others popped on the way.
    private static bool TryTake(ConcurrentStack<UpstreamHttpConnection> stack, UpstreamHttpConnection wanted)
    {
        var kept = new List<UpstreamHttpConnection>();
        bool found = false;
        while (stack.TryPop(out UpstreamHttpConnection? connection))
        {
            if (ReferenceEquals(connection, wanted))
            {
                found = true;
                break;
            }

            kept.Add(connection);
        }

        for (int i = kept.Count - 1; i >= 0; i--)
        {
            stack.Push(kept[i]);
        }

        return found;
    }

    /// <summary>Which connections may carry a request: the upstream, the credentials presented, and a tunnel's origin.</summary>
    internal readonly record struct PoolKey(long UpstreamId, UpstreamCredentials? Credentials, string? TunnelHost, int TunnelPort);
}
