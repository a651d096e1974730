#pragma warning disable CA1822, IDE0060
using System.Net;
using System.Net.Sockets;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Pool
{
    public readonly record struct UpstreamQuery(string? Pool, UpstreamType? Type, string? Country, string? City, bool GeoVerifiedOnly, IReadOnlyList<string>? PoolAccess);

    public sealed class UpstreamSelector
    {
        public UpstreamProxy? Pick(PoolSnapshot snapshot, in UpstreamQuery query, ReadOnlySpan<long> excludedIds)
        {
            var candidates = new List<UpstreamProxy>();
            foreach (UpstreamProxy u in snapshot.All)
            {
                if (u.IsEligible && Matches(u, query) && !excludedIds.Contains(u.Id))
                {
                    candidates.Add(u);
                }
            }

            return candidates.Count == 0 ? null : candidates[Random.Shared.Next(candidates.Count)];
        }

        public static bool Matches(UpstreamProxy upstream, in UpstreamQuery query) =>
            (query.Pool is null || string.Equals(query.Pool, upstream.PoolName, StringComparison.OrdinalIgnoreCase))
            && (query.Type is null || query.Type == upstream.Type)
            && (query.Country is null || string.Equals(query.Country, query.GeoVerifiedOnly ? upstream.VerifiedCountry : upstream.EffectiveCountry, StringComparison.OrdinalIgnoreCase))
            && (query.City is null || string.Equals(query.City, upstream.City, StringComparison.OrdinalIgnoreCase))
            && (!query.GeoVerifiedOnly || upstream.VerifiedCountry is not null)
            && (query.PoolAccess is null || query.PoolAccess.Contains("*") || query.PoolAccess.Contains(upstream.PoolName, StringComparer.OrdinalIgnoreCase));
    }
}

namespace ProxyRotator.Gateway.Security
{
    public enum AuthenticationFailureKind { None, BadCredentials, BadTargeting }

    public readonly record struct AuthenticationFailure(AuthenticationFailureKind Kind, string? Parameter, string? Message);

    public sealed class ProxyAccountAuthenticator(ProxyRotatorConfig config)
    {
        public static bool TryParseBasic(string? headerValue, out string username, out string password)
        {
            username = password = string.Empty;
            if (headerValue is null || !headerValue.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            try
            {
                string decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(headerValue[6..].Trim()));
                int colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    return false;
                }

                username = decoded[..colon];
                password = decoded[(colon + 1)..];
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        public bool TryAuthenticate(string username, string password, out TargetingParameters? targeting, out AuthenticationFailure failure)
        {
            targeting = null;
            string[] parts = username.Split('-');
            UserOptions? user = config.Users.FirstOrDefault(u => u.Name == parts[0]);
            if (user is null || user.Password != password)
            {
                failure = new(AuthenticationFailureKind.BadCredentials, null, "bad credentials");
                return false;
            }

            var t = new TargetingParameters { Account = parts[0] };
            for (int i = 1; i + 1 < parts.Length; i += 2)
            {
                string v = parts[i + 1];
                switch (parts[i].ToLowerInvariant())
                {
                    case "country": case "cc": t = t with { Country = v.ToUpperInvariant() }; break;
                    case "type":
                        if (!Enum.TryParse(v, true, out UpstreamType type)) { failure = new(AuthenticationFailureKind.BadTargeting, "type", $"unknown type '{v}'"); return false; }
                        t = t with { Type = type }; break;
                    case "city": t = t with { City = v }; break;
                    case "pool": t = t with { Pool = v }; break;
                    case "session": t = t with { SessionId = v }; break;
                    case "sesstime": t = t with { SessionTtl = TimeSpan.FromMinutes(int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)) }; break;
                    case "sessmode": t = t with { SessionMode = v == "strict" ? SessionMode.Strict : SessionMode.Flex }; break;
                    default: failure = new(AuthenticationFailureKind.BadTargeting, parts[i], $"unknown parameter '{parts[i]}'"); return false;
                }
            }

            targeting = t;
            failure = default;
            return true;
        }
    }

    public sealed class TargetPolicy(ProxyRotatorConfig config)
    {
        public bool IsAllowed(string host, int port) =>
            config.Gateway.AllowPrivateTargets || !(host == "localhost" || (IPAddress.TryParse(host, out IPAddress? ip) && IPAddress.IsLoopback(ip)));
    }
}

namespace ProxyRotator.Gateway.Upstreams
{
    public sealed class UpstreamConnectException(UpstreamOutcomeKind kind, byte? socksReply, string message) : Exception(message)
    {
        public UpstreamOutcomeKind Kind { get; } = kind;
        public byte? SocksReply { get; } = socksReply;
    }

    public sealed class UpstreamConnection(Socket socket, Stream stream) : IAsyncDisposable
    {
        public Socket Socket { get; } = socket;
        public Stream Stream { get; } = stream;

        public async ValueTask DisposeAsync()
        {
            await Stream.DisposeAsync();
            Socket.Dispose();
        }
    }

    public sealed class UpstreamConnector(ProxyRotatorConfig config)
    {
        public async ValueTask<UpstreamConnection> ConnectAsync(UpstreamProxy upstream, string host, int port, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(config.Gateway.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(upstream.Endpoint.Host, upstream.Endpoint.Port, cts.Token);
                var stream = new NetworkStream(socket, ownsSocket: false);
                if (upstream.Endpoint.Scheme != UpstreamScheme.Http)
                {
                    throw new UpstreamConnectException(UpstreamOutcomeKind.UpstreamProtocolError, null, "socks upstreams not in stand-in");
                }

                string auth = upstream.Endpoint.HasCredentials
                    ? "Proxy-Authorization: Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(upstream.Endpoint.Username + ":" + upstream.Endpoint.Password)) + "\r\n"
                    : string.Empty;
                string authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n{auth}\r\n"), cts.Token);
                var buffer = new byte[4096];
                int total = 0;
                while (true)
                {
                    int n = await stream.ReadAsync(buffer.AsMemory(total, 1), cts.Token);
                    if (n == 0) throw new UpstreamConnectException(UpstreamOutcomeKind.UpstreamProtocolError, null, "closed");
                    total += n;
                    if (total >= 4 && buffer[total - 1] == '\n' && buffer[total - 2] == '\r' && buffer[total - 3] == '\n' && buffer[total - 4] == '\r') break;
                    if (total == buffer.Length) throw new UpstreamConnectException(UpstreamOutcomeKind.UpstreamProtocolError, null, "too long");
                }

                string status = System.Text.Encoding.ASCII.GetString(buffer, 9, 3);
                if (status != "200")
                {
                    throw new UpstreamConnectException(status == "407" ? UpstreamOutcomeKind.UpstreamAuthRejected : UpstreamOutcomeKind.UpstreamError, null, "status " + status);
                }

                return new UpstreamConnection(socket, stream);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new UpstreamConnectException(UpstreamOutcomeKind.UpstreamTimeout, null, "timeout");
            }
            catch (SocketException)
            {
                socket.Dispose();
                throw new UpstreamConnectException(UpstreamOutcomeKind.UpstreamConnectFailed, null, "refused");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    public sealed record UpstreamHttpInvoker(HttpMessageInvoker Invoker, string? ProxyAuthorization);

    public sealed class UpstreamHttpInvokerCache(ProxyRotatorConfig config) : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, UpstreamHttpInvoker> _invokers = new();

        public UpstreamHttpInvoker Get(UpstreamProxy upstream) => _invokers.GetOrAdd(upstream.Id, _ =>
        {
            var handler = new SocketsHttpHandler
            {
                Proxy = new WebProxy(new Uri(upstream.Endpoint.Address)),
                UseProxy = true,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = config.Gateway.ConnectTimeout,
                ActivityHeadersPropagator = null,
            };
            string? auth = upstream.Endpoint.HasCredentials && upstream.Endpoint.Scheme == UpstreamScheme.Http
                ? "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(upstream.Endpoint.Username + ":" + upstream.Endpoint.Password))
                : null;
            return new UpstreamHttpInvoker(new HttpMessageInvoker(handler), auth);
        });

        public void Dispose()
        {
            foreach (UpstreamHttpInvoker i in _invokers.Values) i.Invoker.Dispose();
        }
    }
}
