using ProxyRotator.Core.Sessions;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// A session change noted in memory and not yet stored: the latest state, or null when the session ended. A struct:
/// it lives in the pending list's array, so a new session notes its write without one more object.
/// </summary>
internal readonly record struct PendingSessionWrite(string Account, string SessionId, StickySession? Session);
