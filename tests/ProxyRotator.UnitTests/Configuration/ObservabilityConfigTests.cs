using ProxyRotator.Core.Configuration;

namespace ProxyRotator.UnitTests.Configuration;

public sealed class ObservabilityConfigTests
{
    [Fact]
    public void LoadFromString_NoAccessLogOrTracing_BothOff()
    {
        ProxyRotatorConfig config = ConfigJson.Load(ConfigJson.Document(string.Empty));

        Assert.False(config.AccessLog.Enabled);
        Assert.False(config.Tracing.Enabled);
    }

    [Fact]
    public void LoadFromString_AccessLogSection_ReadsEveryField()
    {
        string folder = Path.Combine(Path.GetTempPath(), "cfg");
        ProxyRotatorConfig config = ConfigJson.Load(ConfigJson.Document(
            "'accessLog': { 'path': 'logs/access.log', 'maxFileSize': '5MB', 'maxFiles': 3, 'queueCapacity': 64, " +
            "'includeUrlPath': true, 'hashTargets': true, 'hashKey': '${KEY}' }"),
            name => name == "KEY" ? "0123456789abcdefXYZ" : null, folder);

        AccessLogOptions log = config.AccessLog;
        Assert.True(log.Enabled);
        Assert.Equal(AccessLogDestination.File, log.Destination);
        Assert.Equal(Path.Combine(folder, "logs", "access.log"), log.Path);
        Assert.Equal(5L * 1024 * 1024, log.MaxFileBytes);
        Assert.Equal(3, log.MaxFiles);
        Assert.Equal(64, log.QueueCapacity);
        Assert.True(log.IncludeUrlPath);
        Assert.True(log.HashTargets);
        Assert.Equal("0123456789abcdefXYZ", log.HashKey);
    }

    [Fact]
    public void LoadFromString_AccessLogDefaults_PathsAndQueriesOffAndHostsInClear()
    {
        ProxyRotatorConfig config = ConfigJson.Load(ConfigJson.Document("'accessLog': { 'destination': 'stdout' }"));

        Assert.True(config.AccessLog.Enabled);
        Assert.Equal(AccessLogDestination.Stdout, config.AccessLog.Destination);
        Assert.False(config.AccessLog.IncludeUrlPath);
        Assert.False(config.AccessLog.HashTargets);
    }

    [Fact]
    public void LoadFromString_TracingSection_ReadsEveryField()
    {
        ProxyRotatorConfig config = ConfigJson.Load(ConfigJson.Document(
            "'tracing': { 'enabled': true, 'endpoint': 'http://collector:4318/v1/traces', 'protocol': 'http/protobuf', 'samplingRatio': 0.25 }"));

        Assert.True(config.Tracing.Enabled);
        Assert.Equal(new Uri("http://collector:4318/v1/traces"), config.Tracing.Endpoint);
        Assert.Equal("http/protobuf", config.Tracing.Protocol);
        Assert.Equal(0.25, config.Tracing.SamplingRatio);
    }

    [Theory]
    [InlineData("'accessLog': { 'destination': 'syslog' }", "accessLog.destination", "is not a destination")]
    [InlineData("'accessLog': { 'maxFileSize': '10 parsecs' }", "accessLog.maxFileSize", "must be a size")]
    [InlineData("'accessLog': { 'maxFileSize': 10 }", "accessLog.maxFileSize", "between 1KB and 1TB")]
    [InlineData("'accessLog': { 'maxFiles': 0 }", "accessLog.maxFiles", "between 1 and")]
    [InlineData("'accessLog': { 'queueCapacity': 0 }", "accessLog.queueCapacity", "between 1 and")]
    [InlineData("'accessLog': { 'hashTargets': true }", "accessLog.hashKey", "at least 16 characters")]
    [InlineData("'accessLog': { 'hashTargets': true, 'hashKey': 'short' }", "accessLog.hashKey", "at least 16 characters")]
    [InlineData("'accessLog': { 'rotate': true }", "accessLog.rotate", "")]
    [InlineData("'accessLog': { 'path': 'logs/a\\u0000.log' }", "accessLog.path", "is not a file path")]
    [InlineData("'tracing': { 'endpoint': 'collector:4317' }", "tracing.endpoint", "is not an absolute http:// or https:// URL")]
    [InlineData("'tracing': { 'protocol': 'udp' }", "tracing.protocol", "is not an OTLP protocol")]
    [InlineData("'tracing': { 'samplingRatio': 1.5 }", "tracing.samplingRatio", "from 0 to 1")]
    public void LoadFromString_InvalidObservabilityField_ReportsPathAndReason(string fields, string path, string reason) =>
        ConfigJson.SingleError(ConfigJson.Document(fields), path, reason);

    [Theory]
    [InlineData("2048", 2048)]
    [InlineData("512KB", 512 * 1024)]
    [InlineData("100 MB", 100L * 1024 * 1024)]
    [InlineData("1gb", 1L << 30)]
    public void TryParseByteSize_Units_PowersOf1024(string text, long expected)
    {
        Assert.True(ObservabilityParser.TryParseByteSize(text, out long bytes));
        Assert.Equal(expected, bytes);
    }
}
