using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Metrics;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>The bytes an absolute-form answer carried reach the metrics and the pool's live figures, whatever its framing.</summary>
public sealed class ByteCountTests(ByteCountTests.Fixture fixture) : IClassFixture<ByteCountTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 11;

        protected override int UpstreamCount => 4;
    }

    [Theory]
    [InlineData("bytes/5000")] // Content-Length
    [InlineData("chunked/5000")] // chunked: there is no length to read from the head
    public async Task AbsoluteForm_ResponseBody_CountedAsBytesOut(string path)
    {
        GatewayMetrics metrics = fixture.Product.Services.GetRequiredService<GatewayMetrics>();
        long before = metrics.Total.BytesOut;

        CurlResult result = await Curl.RunAsync(["-sS", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginUrl(path)]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(5000, result.Output.Length);
        Assert.Equal(5000, metrics.Total.BytesOut - before);
    }
}
