namespace ProxyRotator.Gateway.Policy;

/// <summary>The last account an exit served for one site, and whether that request asked for exclusive exits.</summary>
public sealed record ExitClaim(string Site, ExitKey Exit, string Account, bool Exclusive, DateTimeOffset LastUsed);
