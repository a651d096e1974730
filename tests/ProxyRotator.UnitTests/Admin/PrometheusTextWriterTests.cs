using ProxyRotator.Admin.Metrics;

namespace ProxyRotator.UnitTests.Admin;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Sample_LabelValuesWithQuotesBackslashesAndNewlines_AreEscaped()
    {
        string text = new PrometheusTextWriter()
            .Family("x_total", "counter", "Help with \\ and\nnewline")
            .Sample("x_total", 3, ("pool", "a\"b\\c\nd"))
            .ToString();

        Assert.Equal("# HELP x_total Help with \\\\ and\\nnewline\n# TYPE x_total counter\nx_total{pool=\"a\\\"b\\\\c\\nd\"} 3\n", text);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1e-6, "1E-06")]
    [InlineData(12345678.0, "12345678")]
    [InlineData(0.25, "0.25")]
    public void FormatValue_SpecialAndOrdinaryNumbers_UsePrometheusSpelling(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));
}
