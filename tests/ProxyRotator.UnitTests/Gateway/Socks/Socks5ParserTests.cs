using System.Buffers;
using System.Text;
using ProxyRotator.Gateway.Socks;

namespace ProxyRotator.UnitTests.Gateway.Socks;

public sealed class Socks5ParserTests
{
    [Fact]
    public void TryParseGreeting_OffersUserPassword_IsComplete()
    {
        Assert.True(Socks5Parser.TryParseGreeting(Seq(0x05, 0x02, 0x00, 0x02), out long consumed, out bool offers, out string? error));
        Assert.Equal(4, consumed);
        Assert.True(offers);
        Assert.Null(error);
    }

    [Fact]
    public void TryParseGreeting_OnlyNoAuth_DoesNotOfferUserPassword()
    {
        Assert.True(Socks5Parser.TryParseGreeting(Seq(0x05, 0x01, 0x00), out _, out bool offers, out string? error));
        Assert.False(offers);
        Assert.Null(error);
    }

    [Fact]
    public void TryParseGreeting_NoAuthOffered_ReportedBesideUserPassword()
    {
        Assert.True(Socks5Parser.TryParseGreeting(Seq(0x05, 0x01, 0x00), out _, out bool userPassword, out bool noAuth, out string? error));
        Assert.True(Socks5Parser.TryParseGreeting(Seq(0x05, 0x01, 0x02), out _, out _, out bool noAuthWithout, out _));

        Assert.Null(error);
        Assert.False(userPassword);
        Assert.True(noAuth);
        Assert.False(noAuthWithout);
    }

    [Fact]
    public void TryParseGreeting_Prefixes_AreIncomplete()
    {
        byte[] greeting = [0x05, 0x03, 0x00, 0x01, 0x02];
        for (int length = 0; length < greeting.Length; length++)
        {
            Assert.False(Socks5Parser.TryParseGreeting(new ReadOnlySequence<byte>(greeting, 0, length), out long consumed, out _, out _));
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void TryParseGreeting_WrongVersion_IsAnError()
    {
        Assert.True(Socks5Parser.TryParseGreeting(Seq(0x04, 0x01, 0x00), out _, out _, out string? error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData(new byte[] { 0x05, 0x00 })]
    [InlineData(new byte[] { 0x05, (byte)'g', (byte)'a', (byte)'r' })]
    [InlineData(new byte[] { 0x05, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x05, 0x03, 0x02, 0x41 })]
    public void TryParseGreeting_ZeroMethodsOrGarbage_ErrorWithoutWaitingForMore(byte[] greeting)
    {
        Assert.True(Socks5Parser.TryParseGreeting(new ReadOnlySequence<byte>(greeting), out _, out bool offers, out string? error));
        Assert.NotNull(error);
        Assert.False(offers);
    }

    [Fact]
    public void TryParseGreeting_PrivateMethodCodes_AreNotGarbage()
    {
        Assert.True(Socks5Parser.TryParseGreeting(Seq(0x05, 0x03, 0x80, 0xFE, 0x02), out _, out bool offers, out string? error));
        Assert.True(offers);
        Assert.Null(error);
    }

    [Theory]
    [InlineData(0x02)]
    [InlineData(0x03)]
    public void TryParseRequest_BindOrUdpAssociateWithPortZero_ParsedForCommandNotSupported(byte command)
    {
        Assert.True(Socks5Parser.TryParseRequest(Seq(0x05, command, 0x00, 0x01, 0, 0, 0, 0, 0, 0), out long consumed, out Socks5Request request, out string? error));
        Assert.Null(error);
        Assert.Equal(10, consumed);
        Assert.Equal(command, request.Command);
    }

    [Fact]
    public void TryParseRequest_ConnectWithPortZero_IsAnError()
    {
        Assert.True(Socks5Parser.TryParseRequest(Seq(0x05, 0x01, 0x00, 0x01, 1, 2, 3, 4, 0, 0), out _, out _, out string? error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryParseCredentials_UsernameAndPassword_AreReturnedRaw()
    {
        byte[] message = [0x01, 4, .. "user"u8, 6, .. "secret"u8];

        Assert.True(Socks5Parser.TryParseCredentials(new ReadOnlySequence<byte>(message), out long consumed, out byte[] user, out byte[] pass, out string? error));
        Assert.Equal(message.Length, consumed);
        Assert.Equal("user", Encoding.UTF8.GetString(user));
        Assert.Equal("secret", Encoding.UTF8.GetString(pass));
        Assert.Null(error);
    }

    [Fact]
    public void TryParseCredentials_Prefixes_AreIncomplete()
    {
        byte[] message = [0x01, 4, .. "user"u8, 6, .. "secret"u8];
        for (int length = 0; length < message.Length; length++)
        {
            Assert.False(Socks5Parser.TryParseCredentials(new ReadOnlySequence<byte>(message, 0, length), out _, out _, out _, out _));
        }
    }

    [Theory]
    [InlineData((byte)'\r')]
    [InlineData((byte)'\n')]
    [InlineData((byte)0)]
    public void TryParseCredentials_ControlCharacter_IsAnError(byte control)
    {
        byte[] message = [0x01, 3, (byte)'a', control, (byte)'b', 1, (byte)'p'];

        Assert.True(Socks5Parser.TryParseCredentials(new ReadOnlySequence<byte>(message), out _, out _, out _, out string? error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryParseRequest_Ipv4_ParsesHostAndPort()
    {
        Assert.True(Socks5Parser.TryParseRequest(Seq(0x05, 0x01, 0x00, 0x01, 10, 1, 2, 3, 0x01, 0xBB), out long consumed, out Socks5Request request, out string? error));
        Assert.Null(error);
        Assert.Equal(10, consumed);
        Assert.Equal(new Socks5Request(0x01, 0x01, "10.1.2.3", 443), request);
    }

    [Fact]
    public void TryParseRequest_Domain_ParsesName()
    {
        byte[] message = [0x05, 0x01, 0x00, 0x03, 11, .. "example.com"u8, 0x00, 0x50];

        Assert.True(Socks5Parser.TryParseRequest(new ReadOnlySequence<byte>(message), out _, out Socks5Request request, out _));
        Assert.Equal("example.com", request.Host);
        Assert.Equal(80, request.Port);
    }

    [Fact]
    public void TryParseRequest_Ipv6_ParsesAddress()
    {
        byte[] message = [0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x50];

        Assert.True(Socks5Parser.TryParseRequest(new ReadOnlySequence<byte>(message), out _, out Socks5Request request, out _));
        Assert.Equal("2001:db8::1", request.Host);
    }

    [Fact]
    public void TryParseRequest_UnknownAddressType_HasNoHost()
    {
        Assert.True(Socks5Parser.TryParseRequest(Seq(0x05, 0x01, 0x00, 0x09, 1, 2, 3, 4, 0, 80), out _, out Socks5Request request, out string? error));
        Assert.Null(error);
        Assert.Equal(0x09, request.AddressType);
        Assert.Empty(request.Host);
    }

    [Fact]
    public void TryParseRequest_Prefixes_AreIncomplete()
    {
        byte[] message = [0x05, 0x01, 0x00, 0x03, 11, .. "example.com"u8, 0x00, 0x50];
        for (int length = 0; length < message.Length; length++)
        {
            Assert.False(Socks5Parser.TryParseRequest(new ReadOnlySequence<byte>(message, 0, length), out _, out _, out _));
        }
    }

    [Fact]
    public void TryParseRequest_DomainWithControlCharacter_IsAnError()
    {
        byte[] message = [0x05, 0x01, 0x00, 0x03, 3, (byte)'a', (byte)'\n', (byte)'b', 0x00, 0x50];

        Assert.True(Socks5Parser.TryParseRequest(new ReadOnlySequence<byte>(message), out _, out _, out string? error));
        Assert.NotNull(error);
    }

    /// <summary>Found by <c>Socks5ParserFuzzTests</c>: non-ASCII name bytes were decoded to '?' (another host than the client sent).</summary>
    [Theory]
    [InlineData(0xE2)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void TryParseRequest_DomainWithNonAsciiByte_IsAnError(byte nonAscii)
    {
        byte[] message = [0x05, 0x01, 0x00, 0x03, 3, (byte)'a', nonAscii, (byte)'b', 0x00, 0x50];

        Assert.True(Socks5Parser.TryParseRequest(new ReadOnlySequence<byte>(message), out long consumed, out _, out string? error));
        Assert.Equal(("bad SOCKS5 domain name", 10L), (error, consumed));
    }

    private static ReadOnlySequence<byte> Seq(params byte[] bytes) => new(bytes);
}
