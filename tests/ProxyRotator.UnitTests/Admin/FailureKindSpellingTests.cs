using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Gateway;

namespace ProxyRotator.UnitTests.Admin;

/// <summary>
/// One spelling for every failure a user reads: the answers' X-ProxyRotator-Error codes and the kinds counted in
/// stats, metrics and the dashboard are all kebab-case, and a kind that is also an answer is spelled the same.
/// </summary>
public sealed class FailureKindSpellingTests : IDisposable
{
    private const string KebabCase = "^[a-z]+(-[a-z]+)*$";
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void FailuresByKind_EveryAttemptKind_KebabCase()
    {
        var metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());
        UpstreamOutcomeKind[] failures = [.. Enum.GetValues<UpstreamOutcomeKind>().Where(k => k != UpstreamOutcomeKind.Success)];

        foreach (UpstreamOutcomeKind kind in failures)
        {
            metrics.RecordOutcome(new UpstreamOutcome(1, kind, TimeSpan.FromMilliseconds(1), 0, 0), "p");
        }

        Assert.Equal(failures.Length, metrics.FailuresByKind.Count());
        Assert.All(metrics.FailuresByKind, pair => Assert.Matches(KebabCase, pair.Key));
        Assert.Contains(metrics.FailuresByKind, pair => pair.Key == GatewayErrorCode.UpstreamTimeout); // the same word as the 504 answer
    }

    [Fact]
    public void GatewayErrorCodes_KebabCase() =>
        Assert.All(
            typeof(GatewayErrorCode).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!),
            code => Assert.Matches(KebabCase, code));
}
