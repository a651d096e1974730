using ProxyRotator.Simulation.Origin;

namespace ProxyRotator.IntegrationTests.Simulation;

/// <summary>One IP-echo origin shared by the tests of a class.</summary>
public sealed class EchoOriginFixture : IAsyncLifetime
{
    public IpEchoOrigin Origin { get; private set; } = null!;

    public async Task InitializeAsync() => Origin = await IpEchoOrigin.StartAsync();

    public async Task DisposeAsync() => await Origin.DisposeAsync();
}
