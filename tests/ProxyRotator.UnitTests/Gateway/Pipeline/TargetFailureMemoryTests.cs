using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.UnitTests.Gateway.Pipeline;

public sealed class TargetFailureMemoryTests
{
    private readonly FakeTimeProvider _time = new();

    private TargetFailureMemory CreateSut() => new(_time);

    [Fact]
    public void RecordFailure_SameUpstreamTwice_NotConfirmed()
    {
        TargetFailureMemory sut = CreateSut();

        Assert.False(sut.RecordFailure("bad.example", 443, 1));
        Assert.False(sut.RecordFailure("bad.example", 443, 1));
        Assert.False(sut.IsFailing("bad.example", 443));
    }

    [Fact]
    public void RecordFailure_TwoUpstreams_ConfirmedCaseInsensitive()
    {
        TargetFailureMemory sut = CreateSut();
        sut.RecordFailure("bad.example", 443, 1);

        Assert.True(sut.WouldConfirm("BAD.example", 443, 2));
        Assert.False(sut.WouldConfirm("bad.example", 443, 1));
        Assert.True(sut.RecordFailure("BAD.EXAMPLE", 443, 2));
        Assert.True(sut.IsFailing("bad.example", 443));
        Assert.False(sut.IsFailing("bad.example", 80));
    }

    [Fact]
    public void IsFailing_AfterWindow_Forgotten()
    {
        TargetFailureMemory sut = CreateSut();
        sut.RecordFailure("bad.example", 443, 1);
        sut.RecordFailure("bad.example", 443, 2);

        _time.Advance(TargetFailureMemory.Window + TimeSpan.FromSeconds(1));

        Assert.False(sut.IsFailing("bad.example", 443));
        Assert.False(sut.RecordFailure("bad.example", 443, 3));
    }

    [Fact]
    public void Forget_AfterSuccess_TargetNoLongerFailing()
    {
        TargetFailureMemory sut = CreateSut();
        sut.RecordConfirmed("bad.example", 443, 1);

        sut.Forget("bad.example", 443);

        Assert.False(sut.IsFailing("bad.example", 443));
        Assert.Equal(0, sut.Count);
    }

    [Fact]
    public void RecordFailure_Full_StaysBoundedAndSweepsStaleEntries()
    {
        TargetFailureMemory sut = CreateSut();
        for (int i = 0; i < TargetFailureMemory.Capacity + 100; i++)
        {
            sut.RecordFailure($"t{i}.example", 443, 1);
        }

        Assert.Equal(TargetFailureMemory.Capacity, sut.Count);
        _time.Advance(TargetFailureMemory.Window + TimeSpan.FromSeconds(1));
        sut.RecordFailure("fresh.example", 443, 1);
        Assert.Equal(1, sut.Count);
    }
}
