namespace ProxyRotator.Gateway.Policy;

/// <summary>How a ban became known.</summary>
public enum BanSource
{
    /// <summary>A forwarded response matched a ban rule.</summary>
    Detected,

    /// <summary><c>POST /api/bans</c>.</summary>
    Api,

    /// <summary>A <c>-banned-…</c> flag in a client's username (a ban seen inside a tunnel).</summary>
    Username,
}
