using ProxyRotator.Core.Configuration;

namespace ProxyRotator.UnitTests.Configuration;

public sealed class EnvironmentSubstitutionTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["A"] = "alpha", ["EMPTY"] = string.Empty, ["_B2"] = "b" };

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("${A}", "alpha")]
    [InlineData("x-${A}-${_B2}-y", "x-alpha-b-y")]
    [InlineData("${EMPTY}", "")]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${A:-fallback}", "alpha")]
    [InlineData("${MISSING:-}", "")]
    [InlineData("$${A}", "${A}")]
    [InlineData("cost $5 {x}", "cost $5 {x}")]
    public void TrySubstitute_References_AreReplaced(string value, string expected)
    {
        Assert.True(EnvironmentSubstitution.TrySubstitute(value, Environment.GetValueOrDefault, out string result, out string? error));
        Assert.Null(error);
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("${MISSING}", "environment variable 'MISSING' is not set")]
    [InlineData("${A", "without a closing '}'")]
    [InlineData("${}", "is not a valid reference")]
    [InlineData("${1A}", "is not a valid reference")]
    [InlineData("${A B}", "is not a valid reference")]
    public void TrySubstitute_BadReference_ExplainsWhy(string value, string reason)
    {
        Assert.False(EnvironmentSubstitution.TrySubstitute(value, Environment.GetValueOrDefault, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
