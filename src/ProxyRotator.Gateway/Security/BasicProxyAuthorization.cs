namespace ProxyRotator.Gateway.Security;

/// <summary>
/// Reads a <c>Proxy-Authorization: Basic</c> value: <c>Basic</c> in any case, one or more spaces, base64 of
/// <c>username:password</c> with no spaces or tabs inside. The one reader of that shape, for admission and for the
/// checks that compare credentials before it.
/// </summary>
public static class BasicProxyAuthorization
{
    /// <summary>
    /// Decodes the credentials' bytes into <paramref name="decoded"/>; false for another scheme, a malformed value, or
    /// one longer than <paramref name="decoded"/> can hold.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> headerValue, Span<byte> decoded, out int length)
    {
        length = 0;
        ReadOnlySpan<char> value = headerValue.Trim(' ');
        if (value.Length < 6 || !value[..5].Equals("Basic", StringComparison.OrdinalIgnoreCase) || value[5] != ' ')
        {
            return false;
        }

        ReadOnlySpan<char> encoded = value[6..].TrimStart(' ');
        return !encoded.IsEmpty && encoded.Length <= decoded.Length / 3 * 4 && !encoded.ContainsAny(' ', '\t')
            && Convert.TryFromBase64Chars(encoded, decoded, out length);
    }
}
