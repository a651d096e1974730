using System.Buffers;
using System.Buffers.Text;
using System.Text;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// The <c>Proxy-Authorization: Basic</c> value for an upstream, sent up front so the upstream never has to answer
/// 407 first. The value contains the upstream's secret: never log it.
/// </summary>
public static class ProxyAuthorization
{
    /// <summary><c>Basic base64(user:password)</c>, or null for an upstream without credentials.</summary>
    public static string? BasicValue(UpstreamEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return UpstreamCredentials.Of(endpoint) is { } credentials ? BasicValue(credentials) : null;
    }

    /// <summary><c>Basic base64(user:password)</c> for credentials resolved per request.</summary>
    public static string BasicValue(UpstreamCredentials credentials)
    {
        byte[] raw = Encoding.UTF8.GetBytes(credentials.Username + ":" + (credentials.Password ?? string.Empty));
        try
        {
            return "Basic " + Convert.ToBase64String(raw);
        }
        finally
        {
            Array.Clear(raw);
        }
    }

    /// <summary>Writes <c>Basic base64(user:password)</c> as ASCII into <paramref name="destination"/>; returns the bytes written.</summary>
    internal static int WriteBasic(string user, string? password, Span<byte> destination)
    {
        "Basic "u8.CopyTo(destination);
        Span<byte> rest = destination[6..];

        // user:password goes first at the end of the space, then is encoded in place towards the front.
        password ??= string.Empty;
        int rawLength = Encoding.UTF8.GetByteCount(user) + 1 + Encoding.UTF8.GetByteCount(password);
        int encodedLength = Base64.GetMaxEncodedToUtf8Length(rawLength);
        if (rawLength + encodedLength > rest.Length)
        {
            throw new InvalidOperationException("The upstream's credentials are too long for a CONNECT request.");
        }

        Span<byte> raw = rest.Slice(encodedLength, rawLength);
        int written = Encoding.UTF8.GetBytes(user, raw);
        raw[written++] = (byte)':';
        Encoding.UTF8.GetBytes(password, raw[written..]);
        OperationStatus status = Base64.EncodeToUtf8(raw, rest[..encodedLength], out _, out int encoded);
        raw.Clear();
        return status == OperationStatus.Done ? 6 + encoded : throw new InvalidOperationException("Base64 encoding failed.");
    }
}
