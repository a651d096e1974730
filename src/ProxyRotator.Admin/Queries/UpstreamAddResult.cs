using ProxyRotator.Admin.Contracts;

namespace ProxyRotator.Admin.Queries;

/// <summary>The outcome of adding an upstream: the new row, a bad field, or a conflict with a live upstream.</summary>
public sealed record UpstreamAddResult(UpstreamDto? Upstream, AdminInputError? Error, bool Conflict = false, bool Revived = false);
