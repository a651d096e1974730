using System.Buffers;
using System.Text;
using ProxyRotator.Gateway.HttpRelay;
using ProxyRotator.Gateway.Protocols;

namespace ProxyRotator.UnitTests.Gateway.HttpRelay;

public sealed class UpstreamResponseHeadTests
{
    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false, "ContentLength", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", false, "Chunked", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, "UntilClose", false)]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", false, "UntilClose", false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n", false, "ContentLength", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", false, "ContentLength", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n", false, "ContentLength", true)]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", false, "None", true)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n", false, "None", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", true, "None", true)]
    public void Parse_Framing_AsRfc9112Says(string head, bool answersHead, string framing, bool keepAlive)
    {
        var parsed = new UpstreamResponseHead();

        Assert.Equal(HttpHeadParseStatus.Complete, parsed.Parse(Encoding.ASCII.GetBytes(head + "body!"), 8192, answersHead));
        Assert.Equal(framing, parsed.Framing.ToString());
        Assert.Equal(keepAlive, parsed.KeepAlive);
        Assert.Equal(head.Length, parsed.Length);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nName : x\r\n\r\n")]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    public void Parse_BrokenHead_Malformed(string head)
    {
        Assert.Equal(HttpHeadParseStatus.Malformed, new UpstreamResponseHead().Parse(Encoding.ASCII.GetBytes(head), 8192, noBody: false));
    }

    [Fact]
    public void Parse_NoBlankLineWithinTheLimit_TooLarge()
    {
        byte[] head = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nX-Long: " + new string('a', 200));

        Assert.Equal(HttpHeadParseStatus.TooLarge, new UpstreamResponseHead().Parse(head, 100, noBody: false));
        Assert.Equal(HttpHeadParseStatus.Incomplete, new UpstreamResponseHead().Parse(head, 8192, noBody: false));
    }

    [Fact]
    public void WriteForClient_DropsHopByHopAndConnectionNamedHeaders_KeepsFramingAndOrder()
    {
        const string head = "HTTP/1.1 200 Fine\r\nX-A: 1\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 2\r\nKeep-Alive: timeout=5\r\n"
            + "Proxy-Authenticate: Basic\r\nTransfer-Encoding: chunked\r\nX-B:  3 \r\n\r\n";
        var parsed = new UpstreamResponseHead();
        byte[] bytes = Encoding.ASCII.GetBytes(head);
        Assert.Equal(HttpHeadParseStatus.Complete, parsed.Parse(bytes, 8192, noBody: false));
        var output = new ArrayBufferWriter<byte>();

        parsed.WriteForClient(bytes, output, close: true, [new("X-ProxyRotator-Upstream", "7")]);

        Assert.Equal("HTTP/1.1 200 Fine\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nX-B:  3\r\nX-ProxyRotator-Upstream: 7\r\nConnection: close\r\n\r\n",
            Encoding.ASCII.GetString(output.WrittenSpan));
    }
}
