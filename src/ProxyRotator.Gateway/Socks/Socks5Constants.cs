namespace ProxyRotator.Gateway.Socks;

/// <summary>RFC 1928 / RFC 1929 protocol values used by the gateway's SOCKS5 server.</summary>
public static class Socks5Constants
{
    public const byte Version = 0x05;
    public const byte AuthVersion = 0x01;
    public const byte MethodNoAuthentication = 0x00;
    public const byte MethodUsernamePassword = 0x02;
    public const byte MethodNoAcceptable = 0xFF;
    public const byte CommandConnect = 0x01;
    public const byte CommandUdpAssociate = 0x03;
    public const byte AddressIPv4 = 0x01;
    public const byte AddressDomain = 0x03;
    public const byte AddressIPv6 = 0x04;

    public const byte ReplySucceeded = 0x00;
    public const byte ReplyGeneralFailure = 0x01;
    public const byte ReplyNotAllowed = 0x02;
    public const byte ReplyNetworkUnreachable = 0x03;
    public const byte ReplyHostUnreachable = 0x04;
    public const byte ReplyConnectionRefused = 0x05;
    public const byte ReplyCommandNotSupported = 0x07;
    public const byte ReplyAddressTypeNotSupported = 0x08;

    public const byte AuthSucceeded = 0x00;
    public const byte AuthFailed = 0x01;
}
