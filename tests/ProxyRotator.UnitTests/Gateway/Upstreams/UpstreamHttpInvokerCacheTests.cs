using System.Text;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.UnitTests.Gateway.Upstreams;

public sealed class UpstreamHttpInvokerCacheTests
{
    private static readonly GatewayOptions _options = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        IdleTimeout = TimeSpan.FromMinutes(1),
        ResponseTimeout = TimeSpan.FromSeconds(10),
    };

    private static UpstreamProxy Upstream(long id, UpstreamScheme scheme, int port, string? user = "user", string? password = "pass") => new()
    {
        Id = id,
        PoolName = "test",
        Endpoint = new UpstreamEndpoint(scheme, "127.0.0.1", port, user, password),
        Type = UpstreamType.Datacenter,
        Status = UpstreamStatus.Active,
    };

    /// <summary>An HTTP proxy that answers every request on a kept-alive connection with <c>ok</c>.</summary>
    private static FakeUpstreamServer HttpProxy() => new(async (stream, s) =>
    {
        while (true)
        {
            string head = await s.ReadHeadAsync(stream);
            if (head.Length == 0)
            {
                return;
            }

            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), s.Stopping);
        }
    });

    private static HttpRequestMessage Get(string url, UpstreamHttpInvoker invoker)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (invoker.ProxyAuthorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Proxy-Authorization", invoker.ProxyAuthorization);
        }

        return request;
    }

    [Fact]
    public async Task Get_HttpUpstream_AbsoluteFormWithUpFrontAuthAndKeepAlive()
    {
        await using FakeUpstreamServer proxy = HttpProxy();
        using var sut = new UpstreamHttpInvokerCache(_options, TimeProvider.System);
        UpstreamHttpInvoker invoker = sut.Get(Upstream(1, UpstreamScheme.Http, proxy.Port));

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await invoker.Invoker.SendAsync(Get($"http://127.0.0.1:9/path?{i}", invoker), CancellationToken.None);
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        }

        string[] heads = [.. proxy.Received.Select(Encoding.ASCII.GetString)];
        Assert.Equal(2, heads.Length);
        Assert.StartsWith("GET http://127.0.0.1:9/path?0 HTTP/1.1\r\n", heads[0], StringComparison.Ordinal);
        Assert.Contains("Proxy-Authorization: Basic " + Convert.ToBase64String("user:pass"u8.ToArray()) + "\r\n", heads[0], StringComparison.Ordinal);
        Assert.DoesNotContain("traceparent", heads[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Accept-Encoding", heads[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Cookie", heads[0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_Socks5Upstream_HandlerAuthenticatesWithRfc1929()
    {
        string? credentials = null;
        await using FakeUpstreamServer proxy = new(async (stream, s) =>
        {
            byte[] greeting = await s.ReadExactlyAsync(stream, 2);
            byte[] methods = await s.ReadExactlyAsync(stream, greeting[1]);
            if (!methods.Contains((byte)0x02))
            {
                await stream.WriteAsync(new byte[] { 0x05, 0xFF }, s.Stopping);
                return;
            }

            await stream.WriteAsync(new byte[] { 0x05, 0x02 }, s.Stopping);
            byte[] header = await s.ReadExactlyAsync(stream, 2);
            string user = Encoding.UTF8.GetString(await s.ReadExactlyAsync(stream, header[1]));
            byte[] length = await s.ReadExactlyAsync(stream, 1);
            credentials = user + ":" + Encoding.UTF8.GetString(await s.ReadExactlyAsync(stream, length[0]));
            await stream.WriteAsync(new byte[] { 0x01, 0x00 }, s.Stopping);

            byte[] request = await s.ReadExactlyAsync(stream, 4);
            int addressLength = request[3] switch { 0x01 => 4, 0x04 => 16, _ => (await s.ReadExactlyAsync(stream, 1))[0] };
            await s.ReadExactlyAsync(stream, addressLength + 2);
            await stream.WriteAsync(new byte[] { 0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0, 80 }, s.Stopping);

            await s.ReadHeadAsync(stream);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), s.Stopping);
            await s.EchoAsync(stream);
        });
        using var sut = new UpstreamHttpInvokerCache(_options, TimeProvider.System);
        UpstreamHttpInvoker invoker = sut.Get(Upstream(2, UpstreamScheme.Socks5, proxy.Port));

        using HttpResponseMessage response = await invoker.Invoker.SendAsync(Get("http://origin.test/", invoker), CancellationToken.None);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Null(invoker.ProxyAuthorization);
        Assert.Equal("user:pass", credentials);
        Assert.StartsWith("GET / HTTP/1.1\r\n", Encoding.ASCII.GetString(proxy.Received.Last()), StringComparison.Ordinal);
    }

    [Fact]
    public void Get_SameUpstreamTwice_SameInvoker()
    {
        using var sut = new UpstreamHttpInvokerCache(_options, TimeProvider.System);
        UpstreamProxy upstream = Upstream(1, UpstreamScheme.Http, 3128);

        Assert.Same(sut.Get(upstream), sut.Get(upstream));
        Assert.Same(sut.Get(upstream), sut.Get(Upstream(1, UpstreamScheme.Http, 3128)));
        Assert.Equal(1, sut.Count);
    }

    [Fact]
    public void Get_EndpointChanged_NewInvoker()
    {
        using var sut = new UpstreamHttpInvokerCache(_options, TimeProvider.System);
        UpstreamHttpInvoker first = sut.Get(Upstream(1, UpstreamScheme.Http, 3128));

        UpstreamHttpInvoker second = sut.Get(Upstream(1, UpstreamScheme.Http, 3128, password: "rotated"));

        Assert.NotSame(first, second);
        Assert.NotEqual(first.ProxyAuthorization, second.ProxyAuthorization);
    }

    [Fact]
    public async Task Prune_UpstreamLeftSnapshot_DisposedAfterGrace()
    {
        var time = new FakeTimeProvider();
        using var sut = new UpstreamHttpInvokerCache(_options, time);
        UpstreamProxy kept = Upstream(1, UpstreamScheme.Http, 3128);
        UpstreamHttpInvoker gone = sut.Get(Upstream(2, UpstreamScheme.Http, 3129));
        sut.Get(kept);

        sut.Prune(new PoolSnapshot([kept], version: 2));

        Assert.Equal(1, sut.Count);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            // Still usable during the grace period: it fails only because nothing listens there.
            Exception? duringGrace = await Record.ExceptionAsync(() => gone.Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:9/"), cts.Token));
            Assert.IsNotType<ObjectDisposedException>(duringGrace);
        }

        time.Advance(sut.DisposeGrace);
        sut.Prune(new PoolSnapshot([kept], version: 2));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => gone.Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:9/"), CancellationToken.None));
        Assert.Same(sut.Get(kept), sut.Get(kept));
    }

    [Fact]
    public void Get_WithSnapshotSource_RetiresUpstreamsThatLeftThePool()
    {
        var time = new FakeTimeProvider();
        UpstreamProxy kept = Upstream(1, UpstreamScheme.Http, 3128);
        UpstreamProxy leaving = Upstream(2, UpstreamScheme.Http, 3129);
        var source = Substitute.For<IPoolSnapshotSource>();
        source.Current.Returns(new PoolSnapshot([kept, leaving], version: 1));
        using var sut = new UpstreamHttpInvokerCache(_options, time, source);
        UpstreamHttpInvoker gone = sut.Get(leaving);
        sut.Get(kept);
        Assert.Equal(2, sut.Count);

        source.Current.Returns(new PoolSnapshot([kept], version: 2));
        sut.Get(kept);
        Assert.Equal(1, sut.Count);

        time.Advance(sut.DisposeGrace);
        sut.Get(kept);
        Assert.Throws<ObjectDisposedException>(() => gone.Invoker.Send(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:9/"), CancellationToken.None));
    }
}
