using ProxyRotator.Core.Pool;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>The tags of one simulated upstream.</summary>
public sealed record UpstreamSpec(UpstreamType Type, string Country);
