using ProxyRotator.Core.Configuration;

namespace ProxyRotator.UnitTests.Configuration;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("10m", 600_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("0s", 0)]
    public void TryParse_ValidText_ReturnsDuration(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out TimeSpan duration, out string? error));
        Assert.Null(error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("5", "is not a duration")]
    [InlineData("s", "is not a duration")]
    [InlineData("5 s", "is not a duration")]
    [InlineData("1.5s", "is not a duration")]
    [InlineData("-5s", "is not a duration")]
    [InlineData("5S", "is not a duration")]
    [InlineData("5w", "unknown unit 'w'")]
    [InlineData("99999999999999999999d", "too long")]
    public void TryParse_InvalidText_ExplainsWhy(string text, string reason)
    {
        Assert.False(DurationParser.TryParse(text, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(90_000, "1m30s")]
    [InlineData(86_400_000, "1d")]
    [InlineData(0, "0s")]
    public void Format_Duration_ReadsBackTheSame(long milliseconds, string expected)
    {
        string text = DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, text);
        Assert.True(DurationParser.TryParse(text, out TimeSpan back, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }
}
