using System.Globalization;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Hosting;

namespace ProxyRotator.UnitTests.Hosting;

/// <summary>Touches one process-wide variable, read by the runtime only when its first socket waits: restored after each test.</summary>
[Collection(nameof(SocketEventThreadsTests))]
public sealed class SocketEventThreadsTests : IDisposable
{
    private readonly string? _before = Environment.GetEnvironmentVariable(SocketEventThreads.Variable);

    public void Dispose() => Environment.SetEnvironmentVariable(SocketEventThreads.Variable, _before);

    [Fact]
    public void UseOnePerProcessor_NotSet_OneEventThreadPerProcessor()
    {
        Environment.SetEnvironmentVariable(SocketEventThreads.Variable, null);

        SocketEventThreads.UseOnePerProcessor();

        string? expected = InlineSocketCompletions.IsSupported ? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) : null;
        Assert.Equal(expected, Environment.GetEnvironmentVariable(SocketEventThreads.Variable));
    }

    [Fact]
    public void UseOnePerProcessor_SetByTheOperator_KeepsTheirs()
    {
        Environment.SetEnvironmentVariable(SocketEventThreads.Variable, "3");

        SocketEventThreads.UseOnePerProcessor();

        Assert.Equal("3", Environment.GetEnvironmentVariable(SocketEventThreads.Variable));
    }
}
