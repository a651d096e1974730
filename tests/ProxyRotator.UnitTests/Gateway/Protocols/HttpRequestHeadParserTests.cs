using System.Buffers;
using System.Text;
using ProxyRotator.Gateway.Protocols;

namespace ProxyRotator.UnitTests.Gateway.Protocols;

public sealed class HttpRequestHeadParserTests
{
    private const int Max = 4096;
    private const string Connect = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n";

    [Fact]
    public void TryParse_CompleteConnectHead_ParsesLineAndHeaders()
    {
        HttpHeadParseStatus status = Parse(Connect + "TLS-BYTES", out HttpRequestHead? head, out long consumed);

        Assert.Equal(HttpHeadParseStatus.Complete, status);
        Assert.Equal(Connect.Length, consumed);
        Assert.Equal("CONNECT", head!.Method);
        Assert.Equal("example.com:443", head.Target);
        Assert.Equal("HTTP/1.1", head.Version);
        Assert.Equal("Basic dTpw", head.Get("proxy-authorization"));
    }

    [Fact]
    public void TryParse_EveryPrefix_IsIncompleteAndConsumesNothing()
    {
        for (int length = 0; length < Connect.Length; length++)
        {
            HttpHeadParseStatus status = Parse(Connect[..length], out _, out long consumed);

            Assert.True(status == HttpHeadParseStatus.Incomplete, $"prefix of {length} bytes: {status}");
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void TryParse_HeadSplitOverSegments_ParsesLikeOneSpan()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Connect);
        ReadOnlySequence<byte> sequence = TestSequence.Split(bytes, 7, 30, 31, 60);

        HttpHeadParseStatus status = HttpRequestHeadParser.TryParse(sequence, Max, out HttpRequestHead? head, out long consumed, out _);

        Assert.Equal(HttpHeadParseStatus.Complete, status);
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal("example.com:443", head!.Target);
    }

    [Fact]
    public void TryParse_IncompleteHeadOverLimit_IsTooLarge()
    {
        string head = "CONNECT a:1 HTTP/1.1\r\nX-Big: " + new string('a', Max);

        Assert.Equal(HttpHeadParseStatus.TooLarge, Parse(head, out _, out _));
    }

    [Fact]
    public void TryParse_CompleteHeadOverLimit_IsTooLarge()
    {
        string head = "CONNECT a:1 HTTP/1.1\r\nX-Big: " + new string('a', Max) + "\r\n\r\n";

        Assert.Equal(HttpHeadParseStatus.TooLarge, Parse(head, out _, out _));
    }

    [Theory]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nHost : a\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nHost\t: a\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nX-A: b\rc\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nX-A: b\0c\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\nHost: a\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nHost: a\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nX-A: b\r\n c\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\n: nameless\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("CONNECT  a:1 HTTP/1.1\r\n\r\n")]
    [InlineData("CONNECT a:1 HTTP/2.0\r\n\r\n")]
    [InlineData("CONNECT a:1\r\n\r\n")]
    [InlineData("CONN(CT a:1 HTTP/1.1\r\n\r\n")]
    public void TryParse_AmbiguousOrMalformedHead_IsMalformed(string head)
    {
        Assert.Equal(HttpHeadParseStatus.Malformed, Parse(head, out _, out _));
    }

    [Theory]
    [InlineData("POST http://a/ HTTP/1.1\r\nContent-Length: +5\r\n\r\n")]
    [InlineData("POST http://a/ HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n")]
    [InlineData("POST http://a/ HTTP/1.1\r\nContent-Length: 5 5\r\n\r\n")]
    [InlineData("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG http://a/ HTTP/1.1\r\n\r\n")]
    public void TryParse_AbsoluteFormFramingOrMethodAbuse_IsMalformed(string head) =>
        Assert.Equal(HttpHeadParseStatus.Malformed, Parse(head, out _, out _));

    [Fact]
    public void TryParse_AbsurdMethodStillArriving_MalformedBeforeTheHeadLimit() =>
        Assert.Equal(HttpHeadParseStatus.Malformed, Parse(new string('A', 100), out _, out _));

    [Theory]
    [InlineData("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")]
    [InlineData("UPDATEREDIRECTREF http://a/ HTTP/1.1\r\n\r\n")]
    public void TryParse_ChunkedLastOrLongRegisteredMethod_IsAccepted(string head) =>
        Assert.Equal(HttpHeadParseStatus.Complete, Parse(head, out _, out _));

    /// <summary>Found by <c>KestrelAgreementTests</c>: heads we accepted and Kestrel refuses (400).</summary>
    [Theory]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nTransfer-Encoding: curl/8.0\r\n\r\n", "final coding is not chunked")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "final coding is not chunked")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nTransfer-Encoding: 0\r\n\r\n", "final coding is not chunked")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nUser-Agent: \u00E4\r\n\r\n", "non-ASCII")]
    [InlineData("CONNECT a:1 HTTP/1.1\r\nProxy-Authorization: Basic \u00FF\r\n\r\n", "non-ASCII")]
    public void TryParse_FuzzFoundHeadKestrelRefuses_IsMalformed(string head, string reason)
    {
        HttpHeadParseStatus status = HttpRequestHeadParser.TryParse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(head)), Max, out _, out _, out string? error);

        Assert.Equal(HttpHeadParseStatus.Malformed, status);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chunked")]
    [InlineData("gzip, chunked")]
    [InlineData("Chunked ")]
    public void TryParse_TransferEncodingEndingInChunked_IsAccepted(string codings) =>
        Assert.Equal(HttpHeadParseStatus.Complete, Parse($"CONNECT a:1 HTTP/1.1\r\nTransfer-Encoding: {codings}\r\n\r\n", out _, out _));

    /// <summary>Found by <c>KestrelAgreementTests</c>: Kestrel refuses a repeated Content-Length even with equal values; so do we.</summary>
    [Fact]
    public void TryParse_RepeatedEqualContentLength_IsMalformed()
    {
        Assert.Equal(HttpHeadParseStatus.Malformed, Parse("CONNECT a:1 HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", out _, out _));
    }

    [Theory]
    [InlineData("example.com:443", "example.com", 443)]
    [InlineData("10.1.2.3:8080", "10.1.2.3", 8080)]
    [InlineData("[2001:db8::1]:443", "2001:db8::1", 443)]
    public void TryParseAuthority_ValidTarget_SplitsHostAndPort(string authority, string host, int port)
    {
        Assert.True(HttpRequestHead.TryParseAuthority(authority, out string parsedHost, out int parsedPort));
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("example.com:")]
    [InlineData("example.com:0")]
    [InlineData("example.com:65536")]
    [InlineData(":443")]
    [InlineData("2001:db8::1:443")]
    [InlineData("[not-an-ip]:443")]
    [InlineData("exa mple.com:443")]
    [InlineData("user@example.com:443")]
    [InlineData("[::1%251]:443")] // found by KestrelAgreementTests: a zone id; IPAddress keeps it and later address checks threw
    [InlineData("[fe80::1%eth0]:443")]
    public void TryParseAuthority_InvalidTarget_IsRefused(string authority)
    {
        Assert.False(HttpRequestHead.TryParseAuthority(authority, out _, out _));
    }

    private static HttpHeadParseStatus Parse(string text, out HttpRequestHead? head, out long consumed) =>
        HttpRequestHeadParser.TryParse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), Max, out head, out consumed, out _);
}
