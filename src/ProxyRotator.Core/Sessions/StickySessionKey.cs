namespace ProxyRotator.Core.Sessions;

/// <summary>Builds the single-string identity of a sticky session.</summary>
public static class StickySessionKey
{
    public static string Of(string account, string sessionId) => account + ":" + sessionId;
}
