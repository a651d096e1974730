namespace ProxyRotator.Gateway.Socks;

/// <summary>A parsed RFC 1928 request: command and destination.</summary>
public readonly record struct Socks5Request(byte Command, byte AddressType, string Host, int Port);
