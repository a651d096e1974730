using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Policy;

namespace ProxyRotator.UnitTests.Policy;

public sealed class BanDetectorTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly SiteBanList _bans;
    private readonly UpstreamProxy _exit = new()
    {
        Id = 5,
        PoolName = "main",
        Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "127.0.1.5", 8000, null, null),
        Type = UpstreamType.Residential,
        Status = UpstreamStatus.Active,
        ExitIp = "198.51.100.5",
    };

    public BanDetectorTests() => _bans = new SiteBanList(new BanOptions(), _time);

    private BanDetector CreateSut(int inspectBytes = 64) =>
        new(new BanOptions { InspectBytes = inspectBytes }, _bans, NullLogger<BanDetector>.Instance);

    private static HttpResponseMessage Response(int status, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body) };
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    private static async Task<string> ReadInChunksAsync(HttpContent content, int chunk)
    {
        using Stream stream = await content.ReadAsStreamAsync();
        var text = new StringBuilder();
        byte[] buffer = new byte[chunk];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    private bool Banned(string site) => _bans.For(site)?.IsBanned(_exit, _time.GetUtcNow()) == true;

    [Fact]
    public void Watch_429_IsABanByStatusAlone()
    {
        using HttpResponseMessage response = Response(429, "slow down");

        CreateSut().Watch("www.shop.example.co.uk", _exit, response);

        Assert.True(Banned("example.co.uk"));
    }

    [Fact]
    public void Watch_403WithChallengeHeader_IsABan()
    {
        using HttpResponseMessage response = Response(403, "x", ("cf-mitigated", "challenge"));

        CreateSut().Watch("shop.com", _exit, response);

        Assert.True(Banned("shop.com"));
    }

    [Fact]
    public async Task Watch_403WithCaptchaSplitAcrossReads_IsABanOnceTheBodyStreamsPast()
    {
        using HttpResponseMessage response = Response(403, "<html><div class=\"g-reCAPTCHA\">solve it</div></html>");

        HttpContent watched = CreateSut().Watch("shop.com", _exit, response);
        Assert.False(Banned("shop.com"));
        string relayed = await ReadInChunksAsync(watched, chunk: 7);

        Assert.Equal("<html><div class=\"g-reCAPTCHA\">solve it</div></html>", relayed);
        Assert.True(Banned("shop.com"));
    }

    [Fact]
    public async Task Watch_MarkerBeyondTheInspectedBytes_IsNotABan()
    {
        using HttpResponseMessage response = Response(403, new string('x', 100) + "captcha");

        HttpContent watched = CreateSut(inspectBytes: 64).Watch("shop.com", _exit, response);
        await ReadInChunksAsync(watched, chunk: 16);

        Assert.False(Banned("shop.com"));
    }

    [Fact]
    public async Task Watch_PlainForbiddenOrSuccess_IsNotABan()
    {
        using HttpResponseMessage forbidden = Response(403, "you may not see this file");
        using HttpResponseMessage ok = Response(200, "captcha tutorial");

        await ReadInChunksAsync(CreateSut().Watch("shop.com", _exit, forbidden), 8);
        HttpContent passed = CreateSut().Watch("shop.com", _exit, ok);

        Assert.Same(ok.Content, passed);
        Assert.False(Banned("shop.com"));
    }

    [Fact]
    public async Task Watch_CompressedBody_IsNotInspected()
    {
        using HttpResponseMessage response = Response(403, "captcha");
        response.Content.Headers.ContentEncoding.Add("gzip");

        HttpContent watched = CreateSut().Watch("shop.com", _exit, response);
        await ReadInChunksAsync(watched, 8);

        Assert.Same(response.Content, watched);
        Assert.False(Banned("shop.com"));
    }
}
