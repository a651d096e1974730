using ProxyRotator.Core.Configuration;
using ProxyRotator.Health.Lifecycle;

namespace ProxyRotator.UnitTests.Health.Lifecycle;

public class QuarantineBackoffTests
{
    private static QuarantineBackoff CreateSut(int seed = 1) => new(
        new HealthCheckOptions { Interval = TimeSpan.FromSeconds(30), MaxBackoff = TimeSpan.FromMinutes(10) },
        new Random(seed));

    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(4, 480)]
    [InlineData(5, 600)]
    [InlineData(60, 600)]
    [InlineData(int.MaxValue, 600)]
    public void Nominal_Attempt_DoublesUntilCap(int attempt, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), CreateSut().Nominal(attempt));
    }

    [Fact]
    public void Next_ManySamples_WithinJitterBoundsAndNeverAboveCap()
    {
        QuarantineBackoff sut = CreateSut(42);
        for (int attempt = 0; attempt < 8; attempt++)
        {
            TimeSpan nominal = sut.Nominal(attempt);
            TimeSpan min = TimeSpan.MaxValue, max = TimeSpan.Zero;
            for (int i = 0; i < 500; i++)
            {
                TimeSpan d = sut.Next(attempt);
                Assert.InRange(d, nominal * (1 - QuarantineBackoff.JitterFraction), nominal);
                Assert.True(d <= TimeSpan.FromMinutes(10));
                min = d < min ? d : min;
                max = d > max ? d : max;
            }

            // Jitter really spreads the delays (not a constant).
            Assert.True(max - min > nominal * QuarantineBackoff.JitterFraction * 0.5, $"attempt {attempt}: {min}..{max}");
        }
    }

    [Fact]
    public void Next_SuccessiveAttemptsBelowCap_AlwaysGrowDespiteJitter()
    {
        QuarantineBackoff sut = CreateSut(3);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            for (int i = 0; i < 200; i++)
            {
                Assert.True(sut.Next(attempt + 1) > sut.Next(attempt));
            }
        }
    }
}
