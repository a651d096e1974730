using System.Text;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.UnitTests.Simulation;

public sealed class HttpHeadTests
{
    private static HttpHead Parse(string head)
    {
        Assert.True(HttpHead.TryParse(Encoding.Latin1.GetBytes(head), out HttpHead? parsed));
        return parsed!;
    }

    [Fact]
    public void TryParse_Request_StartLineAndHeadersInOrder()
    {
        HttpHead head = Parse("GET http://a/ HTTP/1.1\r\nHost: a\r\nX-One:  1 \r\nx-one: 2\r\n\r\n");

        Assert.Equal(("GET", "http://a/", "HTTP/1.1"), (head.First, head.Second, head.Third));
        Assert.Equal(["Host", "X-One", "x-one"], head.Headers.Select(h => h.Key));
        Assert.Equal("1", head.Get("x-ONE"));
    }

    [Fact]
    public void TryParse_Response_StatusAndEmptyReason()
    {
        HttpHead head = Parse("HTTP/1.1 204 \r\n\r\n");

        Assert.Equal(204, head.StatusCode);
        Assert.Equal(string.Empty, head.Third);
    }

    [Theory]
    [InlineData("GET\r\n\r\n")]
    [InlineData("GET http://a/ HTTP/1.1\r\nHost : a\r\n\r\n")]
    [InlineData("GET http://a/ HTTP/1.1\r\nNoColon\r\n\r\n")]
    [InlineData("GET http://a/ HTTP/1.1\r\n: empty-name\r\n\r\n")]
    public void TryParse_Malformed_Rejected(string text) =>
        Assert.False(HttpHead.TryParse(Encoding.Latin1.GetBytes(text), out _));

    [Theory]
    [InlineData("Content-Length: 5\r\n", false, 5L, true)]
    [InlineData("Transfer-Encoding: chunked\r\n", true, -1L, true)]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n", true, -1L, true)]
    [InlineData("", false, -1L, true)]
    [InlineData("Content-Length: 5\r\nContent-Length: 5\r\n", false, 5L, true)]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n", false, 5L, false)]
    [InlineData("Content-Length: -1\r\n", false, -1L, false)]
    [InlineData("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", true, 3L, false)]
    [InlineData("Transfer-Encoding: gzip\r\n", false, -1L, false)]
    public void TryGetFraming_Cases(string headers, bool chunked, long length, bool valid)
    {
        HttpHead head = Parse($"POST http://a/ HTTP/1.1\r\n{headers}\r\n");

        bool ok = head.TryGetFraming(out bool parsedChunked, out long parsedLength);

        Assert.Equal(valid, ok);
        if (valid)
        {
            Assert.Equal(chunked, parsedChunked);
            Assert.Equal(length, parsedLength);
        }
    }

    [Fact]
    public void HasToken_CommaSeparatedConnectionHeader()
    {
        HttpHead head = Parse("GET http://a/ HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n");

        Assert.True(head.HasToken("connection", "close"));
        Assert.False(head.HasToken("connection", "upgrade"));
    }

    [Fact]
    public void Serialize_FiltersAndAppends()
    {
        HttpHead head = Parse("GET http://a/x HTTP/1.1\r\nHost: a\r\nProxy-Authorization: Basic eA==\r\n\r\n");

        string text = Encoding.Latin1.GetString(head.Serialize("GET /x HTTP/1.1", name => name != "Proxy-Authorization", "Via: never\r\n"));

        Assert.Equal("GET /x HTTP/1.1\r\nHost: a\r\nVia: never\r\n\r\n", text);
    }
}
