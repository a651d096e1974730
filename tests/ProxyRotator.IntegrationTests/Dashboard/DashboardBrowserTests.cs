using Microsoft.Playwright;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.IntegrationTests.Admin;

namespace ProxyRotator.IntegrationTests.Dashboard;

/// <summary>The dashboard in a real browser (Playwright driving Debian's Chromium) against a live admin server.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private AdminTestServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png");

    public async Task InitializeAsync()
    {
        _server = await AdminTestServer.StartAsync();
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            return; // the test itself is skipped
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _server.DisposeAsync();
    }

    [ChromiumFact]
    public async Task Dashboard_AfterEnteringTheKey_ShowsPoolsWithTheRightCounts()
    {
        IPage page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };

        await page.GotoAsync(_server.AdminUrl.ToString());

        // A wrong key is refused and the prompt asks again.
        await page.FillAsync("#key-input", "not-the-key");
        await page.ClickAsync("#key-submit");
        await Assertions.Expect(page.Locator("#key-error")).ToContainTextAsync("refused");

        await page.FillAsync("#key-input", AdminTestServer.ApiKey);
        await page.ClickAsync("#key-submit");
        ILocator resRow = page.Locator("#pool-table tbody tr[data-pool='res-eu']");
        await Assertions.Expect(resRow).ToBeVisibleAsync();

        Assert.Equal(["4", "2", "1", "1", "0"], await CellsAsync(resRow, "total", "active", "pending", "quarantined", "retired"));
        Assert.Equal(["2", "1", "0", "0", "1"], await CellsAsync(page.Locator("#pool-table tbody tr[data-pool='dc']"), "total", "active", "pending", "quarantined", "retired"));
        Assert.Equal("5", await page.Locator("#card-total").TextContentAsync()); // live upstreams: 4 + 1
        Assert.Equal("3", await page.Locator("#card-active").TextContentAsync());
        Assert.Contains("acme", await resRow.Locator(".badge").TextContentAsync(), StringComparison.Ordinal);

        // The upstream table: every live upstream, sortable and filterable.
        ILocator rows = page.Locator("#upstream-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await page.ClickAsync("#upstream-table th[data-key='score']");
        long quarantined = await _server.UpstreamIdAsync("127.0.3.3");
        Assert.Equal(quarantined.ToString(System.Globalization.CultureInfo.InvariantCulture), await rows.First.GetAttributeAsync("data-id"));
        await page.FillAsync("#filter-text", "127.0.3.1");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        Assert.Contains("alice:***@127.0.3.1", await rows.First.TextContentAsync(), StringComparison.Ordinal);
        await page.FillAsync("#filter-text", string.Empty);
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("#by-type .bar-row[data-label='residential'] .bar-value")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("#session-table tbody tr")).ToHaveCountAsync(1);

        // Let one refresh pass so the rate cards have two samples, then keep a picture of the page.
        await Assertions.Expect(page.Locator("#card-rps")).Not.ToHaveTextAsync("…", new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 });
        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath, FullPage = true });
        Assert.True(new FileInfo(ScreenshotPath).Length > 10_000);

        // The key is kept for the tab: a reload goes straight to the data.
        await page.ReloadAsync();
        await Assertions.Expect(resRow).ToBeVisibleAsync();
        Assert.False(await page.Locator("#key-dialog").IsVisibleAsync());
        Assert.DoesNotContain(consoleErrors, e => !e.Contains("401", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task Dashboard_LongFailureKinds_LabelsNeverOverlapTheirBarsAndPendingIsMarkedRouted()
    {
        foreach (UpstreamOutcomeKind kind in Enum.GetValues<UpstreamOutcomeKind>().Where(k => k != UpstreamOutcomeKind.Success))
        {
            _server.Metrics.RecordOutcome(new UpstreamOutcome(1, kind, TimeSpan.FromMilliseconds(3), 0, 0), "res-eu");
        }

        IPage page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1024, Height = 900 } });
        await page.GotoAsync(_server.AdminUrl.ToString());
        await page.FillAsync("#key-input", AdminTestServer.ApiKey);
        await page.ClickAsync("#key-submit");
        ILocator kinds = page.Locator("#failure-kinds .bar-row");
        await Assertions.Expect(kinds).ToHaveCountAsync(7);

        foreach (ILocator row in await kinds.AllAsync())
        {
            LocatorBoundingBoxResult label = (await row.Locator(".bar-label").BoundingBoxAsync())!;
            LocatorBoundingBoxResult track = (await row.Locator(".bar-track").BoundingBoxAsync())!;
            string text = (await row.Locator(".bar-label").TextContentAsync())!;
            float textWidth = await row.Locator(".bar-label").EvaluateAsync<float>("e => e.scrollWidth");
            Assert.True(label.X + label.Width <= track.X, $"'{text}' ends at {label.X + label.Width}, its bar starts at {track.X}");
            Assert.True(textWidth <= label.Width + 0.5, $"'{text}' is cut: {textWidth} px of text in {label.Width} px");
        }

        await Assertions.Expect(page.Locator("#failure-kinds .bar-row[data-label='upstream-protocol-error']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".card.pending .card-label")).ToHaveTextAsync("Pending · routed");
        await Assertions.Expect(page.Locator("#upstream-table .badge.pending").First).ToHaveTextAsync("pending · routed");
        string screenshot = Path.Combine(Path.GetDirectoryName(ScreenshotPath)!, "dashboard-failure-kinds.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.Locator("#failure-kinds").ScreenshotAsync(new LocatorScreenshotOptions { Path = screenshot });
    }

    private static async Task<string[]> CellsAsync(ILocator row, params string[] classes)
    {
        var texts = new List<string>();
        foreach (string cls in classes)
        {
            texts.Add((await row.Locator($"td.{cls}").TextContentAsync())!.Trim());
        }

        return [.. texts];
    }
}
