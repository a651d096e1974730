using System.Net;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// What a ban or an exclusive claim is attached to: the exit IP where it is known (two upstreams leaving through one
/// address are one exit to a site), else the upstream itself. A backconnect upstream's exit changes per request and is
/// not known to the gateway, so its key is the upstream (its <see cref="UpstreamProxy.ExitIp"/> is null or the last
/// checked one, which a site never sees for long): a ban then keeps the whole backconnect entry away from the site for
/// the cool-down. Two keys are equal when both have an IP and the IPs are equal, or neither has one and the ids are.
/// </summary>
public readonly struct ExitKey : IEquatable<ExitKey>
{
    private ExitKey(string? ip, long upstreamId)
    {
        Ip = ip;
        UpstreamId = upstreamId;
    }

    /// <summary>The exit address, canonical text; null when unknown.</summary>
    public string? Ip { get; }

    /// <summary>The upstream the key was made from (0 when made from an address alone).</summary>
    public long UpstreamId { get; }

    public static ExitKey Of(UpstreamProxy upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return new ExitKey(string.IsNullOrEmpty(upstream.ExitIp) ? null : upstream.ExitIp, upstream.Id);
    }

    /// <summary>The upstream alone, whatever its exit IP (a ban recorded before the exit IP was known).</summary>
    public static ExitKey OfUpstreamId(long upstreamId) => new(null, upstreamId);

    /// <summary>An exit named by its address (reports by IP): canonical text, IPv4-mapped IPv6 as IPv4.</summary>
    public static ExitKey OfAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new ExitKey((address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString(), 0);
    }

    public bool Equals(ExitKey other) => Ip is not null
        ? other.Ip is not null && string.Equals(Ip, other.Ip, StringComparison.OrdinalIgnoreCase)
        : other.Ip is null && UpstreamId == other.UpstreamId;

    public override bool Equals(object? obj) => obj is ExitKey other && Equals(other);

    public override int GetHashCode() => Ip is not null ? StringComparer.OrdinalIgnoreCase.GetHashCode(Ip) : UpstreamId.GetHashCode();

    public override string ToString() => Ip ?? "upstream #" + UpstreamId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool operator ==(ExitKey left, ExitKey right) => left.Equals(right);

    public static bool operator !=(ExitKey left, ExitKey right) => !left.Equals(right);
}
