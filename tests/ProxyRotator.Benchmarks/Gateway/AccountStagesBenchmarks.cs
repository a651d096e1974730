using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Accounts;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Benchmarks.Gateway;

/// <summary>
/// The per-request cost of the account stages with 10,000 accounts: authentication of a known credential (the
/// PBKDF2 verdict cached, as from a client's second request on), the limit stage with every limit set (token
/// bucket, concurrency permit, byte quota, tunnel meter) plus the usage record at completion, and the usage record
/// alone. Target: authentication under 1 µs.
/// </summary>
[MemoryDiagnoser]
public class AccountStagesBenchmarks
{
    private const int Accounts = 10_000;
    private const string Password = "correct horse battery staple";

    private readonly UsageLedger _ledger = new(TimeProvider.System);
    private AccountDirectory _directory = null!;
    private ProxyAccountAuthenticator _authenticator = null!;
    private AccountLimitStage _stage = null!;
    private AccountUsageRecorder _recorder = null!;
    private GatewayRequest _request = null!;
    private string _header = null!;
    private byte[] _socksUser = null!;
    private byte[] _socksPassword = null!;
    private AccountUsageTotals _totals = null!;
    private readonly CredentialVerdictCache _verdicts = new();
    private readonly IPAddress _client = IPAddress.Parse("198.51.100.7");

    [GlobalSetup]
    public void Setup()
    {
        // One slow hash shared by every account: hashing 10,000 passwords would take minutes and measures nothing here.
        string hash = AccountPasswordHasher.Hash(Password);
        var limits = new AccountLimits(MaxConcurrent: 1_000_000, RequestsPerSecond: 1_000_000_000, BytesPerDay: long.MaxValue / 4, BytesPerMonth: long.MaxValue / 4);
        _directory = new AccountDirectory(_ledger);
        _directory.Publish(Enumerable.Range(0, Accounts).Select(i => new AccountDefinition($"acct{i}", hash, true, ["*"], limits, [])));
        _authenticator = new ProxyAccountAuthenticator(_directory, new SessionOptions());
        _stage = new AccountLimitStage(_ledger);
        _recorder = new AccountUsageRecorder(_ledger);

        const string username = "acct4242-country-de-session-s1";
        _header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + Password));
        _socksUser = Encoding.UTF8.GetBytes(username);
        _socksPassword = Encoding.UTF8.GetBytes(Password);
        if (!_authenticator.TryParseBasic(_header, _client, out var targeting, out AccountEntry? account, out _))
        {
            throw new InvalidOperationException("the credential does not authenticate");
        }

        _request = GatewayRequest.ForTunnel(GatewayProtocol.Connect, null, 0);
        _request.Admission = AdmissionResult.Admitted(targeting!, account!);
        _request.BytesFromClient = 1_000;
        _request.BytesToClient = 50_000;
        _totals = account!.Totals;
    }

    [Benchmark]
    public bool AuthenticateKnownBasic() => _authenticator.TryParseBasic(_header, _client, out _, out _, out _);

    [Benchmark]
    public bool AuthenticateKnownSocks5() => _authenticator.TryAuthenticateUtf8(_socksUser, _socksPassword, _client, out _, out _, out _);

    /// <summary>The verdict cache's keyed digest alone (part of both authentications above).</summary>
    [Benchmark]
    public CredentialDigest KeyedDigestOnly() => _verdicts.Digest("acct4242", Password);

    [Benchmark]
    public GatewayAnswer? LimitStageAndUsageRecord()
    {
        ValueTask<GatewayAnswer?> stage = _stage.InvokeAsync(_request, CancellationToken.None);
        GatewayAnswer? answer = stage.IsCompletedSuccessfully ? stage.Result : throw new InvalidOperationException("the stage is synchronous");
        _recorder.Complete(_request, "pool", null);
        return answer;
    }

    [Benchmark]
    public void UsageRecordOnly() => _ledger.Record(_totals, "pool", null, 1_000, 50_000);
}
