using System.Text;
using BenchmarkDotNet.Attributes;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Benchmarks.Gateway;

/// <summary>
/// The per-request admission work: parsing a targeting username, and the whole Basic check (base64, password
/// digest in constant time, parse). Only the result should be allocated.
/// </summary>
[MemoryDiagnoser]
public class ProxyAuthenticationBenchmarks
{
    private const string Username = "scraper-type-residential-country-de-session-acct42-sesstime-60";
    private readonly SessionOptions _sessions = new();
    private readonly ProxyAccountAuthenticator _authenticator = new(
        [new UserOptions { Name = "scraper", Password = "correct horse battery staple", Pools = ["*"] }], new SessionOptions());

    private readonly string _header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":correct horse battery staple"));

    [Benchmark]
    public TargetingParameters? ParseUsername()
    {
        return ProxyUsernameParser.TryParse(Username, _sessions, "scraper", out TargetingParameters? parameters, out _) ? parameters : null;
    }

    [Benchmark]
    public TargetingParameters? AuthenticateBasicHeader()
    {
        return _authenticator.TryParseBasic(_header, out TargetingParameters? parameters, out _) ? parameters : null;
    }
}
