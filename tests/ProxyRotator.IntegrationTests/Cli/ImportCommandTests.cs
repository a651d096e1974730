using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Hosting;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.IntegrationTests.Cli;

public sealed class ImportCommandTests : IDisposable
{
    private const string ThreeProxies = """
        [
          { "name": "res_eu", "type": "residential", "proxies": [
              "http://u:p@198.51.100.7:8000",
              { "url": "socks5://u:p@198.51.100.8:1080", "country": "DE", "city": "berlin", "type": "mobile" } ] },
          { "name": "dc_us", "type": "datacenter", "proxies": [ "http://198.51.100.20:3128" ] }
        ]
        """;

    private readonly CliWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Import_Twice_ReportsChangesOnceThenNone()
    {
        string config = _workspace.WriteConfig(ThreeProxies);

        (int firstExit, string first, string firstError) = await CliWorkspace.RunAsync(["import", "--config", config]);
        (int secondExit, string second, _) = await CliWorkspace.RunAsync(["import", "--config", config]);

        Assert.True(firstExit == 0, firstError);
        Assert.Equal(["added 3, updated 0, retired 0", "created 2 pool(s)"], Lines(first));
        Assert.Equal(0, secondExit);
        Assert.Equal(["added 0, updated 0, retired 0"], Lines(second));
    }

    [Fact]
    public async Task Import_ChangedFile_UpdatesAndRetiresButKeepsHistory()
    {
        string config = _workspace.WriteConfig(ThreeProxies);
        Assert.Equal(0, (await CliWorkspace.RunAsync(["import", "--config", config])).ExitCode);

        // 198.51.100.8 changes country, 198.51.100.20 leaves the file.
        _workspace.WriteConfig(ThreeProxies.Replace("\"DE\"", "\"AT\"", StringComparison.Ordinal).Replace("\"http://198.51.100.20:3128\"", string.Empty, StringComparison.Ordinal));
        (int exitCode, string output, string error) = await CliWorkspace.RunAsync(["import", "--config", config]);

        Assert.True(exitCode == 0, error);
        Assert.Equal(["added 0, updated 1, retired 1"], Lines(output));

        await using ProxyRotatorApp app = ProxyRotatorApp.Create(ConfigLoader.Load(config));
        await using ProxyRotatorDbContext db = await app.Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        List<UpstreamEntity> upstreams = await db.Upstreams.OrderBy(u => u.Host).ToListAsync();
        Assert.Equal(3, upstreams.Count);
        Assert.Equal("AT", upstreams.Single(u => u.Host == "198.51.100.8").DeclaredCountry);
        Assert.Equal(UpstreamStatus.Retired, upstreams.Single(u => u.Host == "198.51.100.20").Status);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
