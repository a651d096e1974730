namespace ProxyRotator.Core.Sessions;

/// <summary>Builds the single-string identity of a sticky session.</summary>
public static class StickySessionKey
{
    public static string Of(string account, string sessionId) => account + ":" + sessionId;

    /// <summary>Splits a key made by <see cref="Of"/> (session ids never contain <c>:</c>, so the last one separates).</summary>
    public static bool TryParse(string key, out string? account, out string? sessionId)
    {
        int colon = key.LastIndexOf(':');
        if (colon <= 0 || colon == key.Length - 1)
        {
            account = sessionId = null;
            return false;
        }

        account = key[..colon];
        sessionId = key[(colon + 1)..];
        return true;
    }
}
