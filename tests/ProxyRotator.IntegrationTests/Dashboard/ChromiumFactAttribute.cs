namespace ProxyRotator.IntegrationTests.Dashboard;

/// <summary>
/// A browser test: runs Debian's Chromium through Playwright. Skipped, saying why, only on a developer machine
/// without <c>/usr/bin/chromium</c>; under CI (<c>CI</c> set) it always runs, as <c>.ci/run</c> installs Chromium.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"Debian's Chromium is not installed ({ChromiumPath} is missing): `apt-get install -y chromium` to run browser tests; .ci/run installs it";
        }
    }
}
