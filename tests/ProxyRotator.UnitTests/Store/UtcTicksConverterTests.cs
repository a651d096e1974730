using ProxyRotator.Store.Infrastructure;

namespace ProxyRotator.UnitTests.Store;

public sealed class UtcTicksConverterTests
{
    private readonly UtcTicksConverter _converter = new();

    [Fact]
    public void RoundTrip_OffsetTime_KeepsInstantAsUtc()
    {
        var local = new DateTimeOffset(2026, 3, 1, 10, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567);

        var back = (DateTimeOffset)_converter.ConvertFromProvider((long)_converter.ConvertToProvider(local)!)!;

        Assert.Equal(local, back);
        Assert.Equal(TimeSpan.Zero, back.Offset);
    }

    [Fact]
    public void ConvertToProvider_DifferentOffsets_OrdersByInstant()
    {
        var earlier = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.FromHours(5)); // 05:00 UTC
        var later = new DateTimeOffset(2026, 3, 1, 6, 0, 0, TimeSpan.Zero);

        Assert.True((long)_converter.ConvertToProvider(earlier)! < (long)_converter.ConvertToProvider(later)!);
    }
}
