using System.Net;
using ProxyRotator.Gateway.Udp;

namespace ProxyRotator.UnitTests.Gateway.Udp;

/// <summary>The RFC 1928 §7 UDP request header codec.</summary>
public sealed class Socks5UdpHeaderTests
{
    [Fact]
    public void TryParse_IPv4Header_ReadsAddressPortAndLength()
    {
        byte[] datagram = [0, 0, 0, 0x01, 192, 0, 2, 10, 0x00, 0x35, (byte)'q'];

        Assert.True(Socks5UdpHeader.TryParse(datagram, out Socks5UdpHeader header));
        Assert.Equal("192.0.2.10", header.Host);
        Assert.Equal(53, header.Port);
        Assert.Equal(10, header.Length);
        Assert.Equal(0, header.Fragment);
    }

    [Fact]
    public void TryParse_DomainHeader_ReadsName()
    {
        byte[] datagram = [0, 0, 0, 0x03, 7, .. "dns.foo"u8, 0x01, 0xBB];

        Assert.True(Socks5UdpHeader.TryParse(datagram, out Socks5UdpHeader header));
        Assert.Equal("dns.foo", header.Host);
        Assert.Equal(443, header.Port);
        Assert.Equal(0x03, header.AddressType);
        Assert.Equal(datagram.Length, header.Length);
    }

    [Fact]
    public void TryParse_IPv6Header_ReadsAddress()
    {
        byte[] datagram = new byte[22];
        datagram[3] = 0x04;
        IPAddress.Parse("2001:db8::1").TryWriteBytes(datagram.AsSpan(4), out _);
        datagram[21] = 53;

        Assert.True(Socks5UdpHeader.TryParse(datagram, out Socks5UdpHeader header));
        Assert.Equal("2001:db8::1", header.Host);
        Assert.Equal(22, header.Length);
    }

    [Fact]
    public void TryParse_FragmentedDatagram_ReportsFragment()
    {
        byte[] datagram = [0, 0, 2, 0x01, 192, 0, 2, 10, 0x00, 0x35];

        Assert.True(Socks5UdpHeader.TryParse(datagram, out Socks5UdpHeader header));
        Assert.Equal(2, header.Fragment);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0x01, 127, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 0x01, 127, 0, 0, 1, 0, 53 })]
    [InlineData(new byte[] { 0, 0, 0, 0x05, 127, 0, 0, 1, 0, 53 })]
    [InlineData(new byte[] { 0, 0, 0, 0x03, 0, 0, 53 })]
    [InlineData(new byte[] { 0, 0, 0, 0x03, 5, (byte)'a', (byte)'b', 0, 53 })]
    [InlineData(new byte[] { 0, 0, 0, 0x03, 1, 0xC3, 0, 53 })]
    public void TryParse_MalformedHeader_ReturnsFalse(byte[] datagram) =>
        Assert.False(Socks5UdpHeader.TryParse(datagram, out _));

    [Theory]
    [InlineData("203.0.113.5", 5353, 10)]
    [InlineData("::ffff:203.0.113.5", 5353, 10)]
    [InlineData("2001:db8::53", 53, 22)]
    public void Write_ThenTryParse_RoundTrips(string address, int port, int expectedLength)
    {
        byte[] buffer = new byte[Socks5UdpHeader.MaxLength];

        int length = Socks5UdpHeader.Write(buffer, IPAddress.Parse(address), port);

        Assert.Equal(expectedLength, length);
        Assert.True(Socks5UdpHeader.TryParse(buffer.AsSpan(0, length), out Socks5UdpHeader header));
        Assert.Equal(IPAddress.Parse(address) is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4().ToString() : address, header.Host);
        Assert.Equal(port, header.Port);
        Assert.Equal(length, header.Length);
    }
}
