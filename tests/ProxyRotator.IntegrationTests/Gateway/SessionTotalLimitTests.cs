using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Sessions;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary><c>sessions.maxTotal</c> caps the sessions of all accounts together; ending one makes room again.</summary>
public sealed class SessionTotalLimitTests(SessionTotalLimitTests.Fixture fixture) : IClassFixture<SessionTotalLimitTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 42;

        protected override int UpstreamCount => 4;

        protected override void Configure(ProxyRotatorConfig config)
        {
            config.Sessions.MaxTotal = 3;
            config.Users.Add(new UserOptions { Name = "second", Password = TestConfigs.Password, Pools = ["*"] });
        }
    }

    [Fact]
    public async Task NewSession_OverTotalCap_Answers429_UntilASessionEnds()
    {
        Assert.Equal(200, await StatusAsync(TestConfigs.User + "-session-t1"));
        Assert.Equal(200, await StatusAsync(TestConfigs.User + "-session-t2"));
        Assert.Equal(200, await StatusAsync("second-session-t1"));

        int refused = await StatusAsync("second-session-t2");
        int existing = await StatusAsync(TestConfigs.User + "-session-t1");
        bool ended = await fixture.Product.Services.GetRequiredService<ISessionStore>().RemoveAsync("second", "t1", CancellationToken.None);
        int afterEnd = await StatusAsync("second-session-t2");

        Assert.Equal(429, refused);
        Assert.Equal(200, existing);
        Assert.True(ended);
        Assert.Equal(200, afterEnd);
    }

    private async Task<int> StatusAsync(string username)
    {
        CurlResult result = await Curl.RunAsync(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-x", fixture.Product.ProxyUrl(username), fixture.OriginUrl("ip")]);
        return int.Parse(result.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
