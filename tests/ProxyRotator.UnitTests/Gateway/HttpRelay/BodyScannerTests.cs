using System.Text;
using ProxyRotator.Gateway.HttpRelay;

namespace ProxyRotator.UnitTests.Gateway.HttpRelay;

public sealed class BodyScannerTests
{
    private const string Chunked = "5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100)]
    public void Scan_ChunkedBodyInPieces_EndsExactlyAtTheLastTrailerLineAndCountsPayload(int piece)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Chunked + "GET next");
        var scanner = new BodyScanner();
        scanner.Reset(BodyFraming.Chunked);

        int offered = 0, taken = 0;
        while (!scanner.IsComplete)
        {
            offered = Math.Min(bytes.Length, offered + piece);
            int take = scanner.Scan(bytes.AsSpan(taken, offered - taken), null);
            Assert.True(take >= 0);
            taken += take;
        }

        Assert.Equal(Chunked.Length, taken);
        Assert.Equal(11, scanner.PayloadBytes);
    }

    [Theory]
    [InlineData("x\r\nhello\r\n")]
    [InlineData("5\nhello\r\n")]
    [InlineData("5\r\nhelloXX")]
    [InlineData("10000000000000000\r\n")]
    public void Scan_MalformedChunkFraming_MinusOne(string body)
    {
        var scanner = new BodyScanner();
        scanner.Reset(BodyFraming.Chunked);

        Assert.Equal(-1, scanner.Scan(Encoding.ASCII.GetBytes(body), null));
    }

    [Fact]
    public void Scan_ContentLength_TakesOnlyTheBody()
    {
        var scanner = new BodyScanner();
        scanner.Reset(BodyFraming.ContentLength, 4);

        Assert.Equal(4, scanner.Scan("bodyGET next"u8, null));
        Assert.True(scanner.IsComplete);
        Assert.Equal(4, scanner.PayloadBytes);
    }

    [Fact]
    public void EndOfStream_CloseDelimitedCompletes_ContentLengthDoesNot()
    {
        var untilClose = new BodyScanner();
        untilClose.Reset(BodyFraming.UntilClose);
        var truncated = new BodyScanner();
        truncated.Reset(BodyFraming.ContentLength, 10);
        truncated.Scan("short"u8, null);

        untilClose.EndOfStream();
        truncated.EndOfStream();

        Assert.True(untilClose.IsComplete);
        Assert.False(truncated.IsComplete);
    }
}
