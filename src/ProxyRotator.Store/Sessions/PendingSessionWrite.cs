using ProxyRotator.Core.Sessions;

namespace ProxyRotator.Store.Sessions;

/// <summary>A session change noted in memory and not yet stored: the latest state, or null when the session ended.</summary>
internal sealed record PendingSessionWrite(string Account, string SessionId, StickySession? Session);
