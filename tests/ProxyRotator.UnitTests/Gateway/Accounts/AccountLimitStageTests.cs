using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Accounts;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Routing;

namespace ProxyRotator.UnitTests.Gateway.Accounts;

public sealed class AccountLimitStageTests
{
    private readonly UsageLedger _ledger = new(new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero)));
    private readonly AccountDirectory _directory;

    public AccountLimitStageTests()
    {
        _directory = new AccountDirectory(_ledger);
        _directory.Publish(
        [
            Definition("rate", new AccountLimits(RequestsPerSecond: 1)),
            Definition("conc", new AccountLimits(MaxConcurrent: 1)),
            Definition("quota", new AccountLimits(BytesPerDay: 1000)),
            Definition("free", AccountLimits.None),
        ]);
    }

    [Fact]
    public async Task InvokeAsync_RateExceeded_Answers429RateLimitedWithRetryAfter()
    {
        var stage = new AccountLimitStage(_ledger);

        GatewayAnswer? first = await stage.InvokeAsync(Request("rate"), CancellationToken.None);
        GatewayAnswer? second = await stage.InvokeAsync(Request("rate"), CancellationToken.None);

        Assert.Null(first);
        Assert.Equal(429, second!.Value.StatusCode);
        Assert.Equal("rate-limited", second.Value.ErrorCode);
        Assert.Equal(0x02, second.Value.SocksReply);
        Assert.InRange(second.Value.RetryAfterSeconds, 1, 2);
    }

    [Fact]
    public async Task InvokeAsync_ConcurrencyFull_Answers429UntilTheHeldRequestCompletes()
    {
        var stage = new AccountLimitStage(_ledger);
        var recorder = new AccountUsageRecorder(_ledger);
        GatewayRequest held = Request("conc");

        Assert.Null(await stage.InvokeAsync(held, CancellationToken.None));
        Assert.Equal(429, (await stage.InvokeAsync(Request("conc"), CancellationToken.None))!.Value.StatusCode);
        recorder.Complete(held, "p", null);
        Assert.Null(await stage.InvokeAsync(Request("conc"), CancellationToken.None));
    }

    [Fact]
    public async Task InvokeAsync_QuotaSpent_Answers403QuotaExhausted()
    {
        var stage = new AccountLimitStage(_ledger);
        _ledger.Record(_directory.Current.Find("quota")!.Totals, "p", null, 400, 600);

        GatewayAnswer? answer = await stage.InvokeAsync(Request("quota"), CancellationToken.None);

        Assert.Equal(403, answer!.Value.StatusCode);
        Assert.Equal("quota-exhausted", answer.Value.ErrorCode);
        Assert.Equal(0x02, answer.Value.SocksReply);
    }

    [Fact]
    public async Task InvokeAsync_OtherAccountsLimited_ThisAccountUnaffected()
    {
        var stage = new AccountLimitStage(_ledger);
        for (int i = 0; i < 5; i++)
        {
            await stage.InvokeAsync(Request("rate"), CancellationToken.None);
            await stage.InvokeAsync(Request("conc"), CancellationToken.None);
        }

        for (int i = 0; i < 100; i++)
        {
            Assert.Null(await stage.InvokeAsync(Request("free"), CancellationToken.None));
        }
    }

    [Fact]
    public async Task TunnelMeter_QuotaSpentWhileRelaying_EndsTheTunnel_AndBytesCountOnce()
    {
        var stage = new AccountLimitStage(_ledger);
        GatewayRequest tunnel = Request("quota");
        Assert.Null(await stage.InvokeAsync(tunnel, CancellationToken.None));

        bool keepGoing = tunnel.TunnelMeter!.Add(600);
        bool afterQuota = tunnel.TunnelMeter.Add(600);
        tunnel.BytesToClient = 1200;
        new AccountUsageRecorder(_ledger).Complete(tunnel, "p", "quota-exhausted");

        Assert.True(keepGoing);
        Assert.False(afterQuota);
        Assert.Equal(1200, _directory.Current.Find("quota")!.Totals.DayBytes(_ledger.Today));
    }

    [Fact]
    public void Publish_LimitsUnchanged_KeepsLimiters_ChangedGetsNewOnes()
    {
        AccountLimiters? before = _directory.Current.Find("rate")!.Limiters;

        _directory.Publish([Definition("rate", new AccountLimits(RequestsPerSecond: 1)) with { Enabled = false }, Definition("conc", new AccountLimits(MaxConcurrent: 2))]);

        Assert.Same(before, _directory.Current.Find("rate")!.Limiters);
        Assert.Equal(2, _directory.Current.Find("conc")!.Limiters!.Limits.MaxConcurrent);
    }

    private static AccountDefinition Definition(string name, AccountLimits limits) => new(name, null, true, ["*"], limits, []);

    private GatewayRequest Request(string account)
    {
        GatewayRequest request = GatewayRequest.ForTunnel(GatewayProtocol.Connect, null, 0);
        Assert.True(ProxyUsernameParser.TryParse(account, new SessionOptions(), account, out TargetingParameters? targeting, out _));
        request.Admission = AdmissionResult.Admitted(targeting!, _directory.Current.Find(account)!);
        return request;
    }
}
