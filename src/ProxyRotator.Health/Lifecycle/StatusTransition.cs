using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.Lifecycle;

/// <summary>One change of status, stored with its reason and time.</summary>
public sealed record StatusTransition(UpstreamStatus From, UpstreamStatus To, string Reason, DateTimeOffset At);
