using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ProxyRotator.Core.Accounts;
using ProxyRotator.IntegrationTests.Admin;

namespace ProxyRotator.IntegrationTests.Dashboard;

/// <summary>The dashboard's accounts and usage panels in a real browser against a live admin server.</summary>
public sealed class AccountsDashboardBrowserTests : IAsyncLifetime
{
    private AdminTestServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

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
    public async Task AccountsPanel_AddDisableAndTodaysUsage_ReachTheGatewaysAccountTable()
    {
        AccountDirectory directory = _server.Services.GetRequiredService<AccountDirectory>();
        UsageLedger ledger = _server.Services.GetRequiredService<UsageLedger>();
        IPage page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        await page.GotoAsync(_server.AdminUrl.ToString());
        await page.FillAsync("#key-input", AdminTestServer.ApiKey);
        await page.ClickAsync("#key-submit");

        await page.FillAsync("#account-name", "dash1");
        await page.FillAsync("#account-day", "5000");
        await page.ClickAsync("#account-add button[type='submit']");

        await Assertions.Expect(page.Locator("#account-message")).ToContainTextAsync("password:");
        ILocator row = page.Locator("#account-table tbody tr", new PageLocatorOptions { HasText = "dash1" });
        await Assertions.Expect(row).ToContainTextAsync("5,000");
        Assert.Equal(5000, directory.Current.Find("dash1")!.Limits.BytesPerDay);
        Assert.DoesNotContain("pbkdf2", await page.ContentAsync(), StringComparison.Ordinal);

        await row.Locator("button", new LocatorLocatorOptions { HasText = "Disable" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("disabled");
        Assert.False(directory.Current.Find("dash1")!.Enabled);

        ledger.Record(ledger.TotalsFor("dash1"), "res-eu", null, 10, 4321);
        ILocator usage = page.Locator("#usage-table tbody tr", new PageLocatorOptions { HasText = "dash1" });
        await Assertions.Expect(usage).ToContainTextAsync("4,321", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
    }
}
