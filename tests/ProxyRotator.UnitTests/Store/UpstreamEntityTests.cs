using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.UnitTests.Store;

public sealed class UpstreamEntityTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToString_WithCredentials_MasksPassword()
    {
        UpstreamEntity upstream = Create("user", "hunter2secret");

        string text = upstream.ToString();

        Assert.DoesNotContain("hunter2secret", text, StringComparison.Ordinal);
        Assert.Contains("http://user:***@198.51.100.7:8000", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMaskedUrl_WithCredentials_ReplacesPasswordOnly()
    {
        Assert.Equal("socks5://user:***@198.51.100.7:8000", Create("user", "p@ss:word", UpstreamScheme.Socks5).ToMaskedUrl());
    }

    [Fact]
    public void ToMaskedUrl_WithoutCredentials_IsTheAddress()
    {
        Assert.Equal("http://198.51.100.7:8000", Create(null, null).ToMaskedUrl());
    }

    [Fact]
    public void ToEndpoint_WithCredentials_KeepsSecretForTheGateway()
    {
        UpstreamEndpoint endpoint = Create("user", "secret").ToEndpoint();

        Assert.Equal("secret", endpoint.Password);
        Assert.Equal("http://user:secret@198.51.100.7:8000", endpoint.ToUri());
    }

    [Fact]
    public void ChangeStatus_ToNewStatus_RecordsTransition()
    {
        UpstreamEntity upstream = Create(null, null);
        upstream.InitializeStatus(UpstreamStatus.Pending, "added", Now);

        bool changed = upstream.ChangeStatus(UpstreamStatus.Active, "probe succeeded", Now.AddMinutes(1));

        Assert.True(changed);
        Assert.Equal((UpstreamStatus.Active, "probe succeeded", Now.AddMinutes(1)), (upstream.Status, upstream.StatusReason, upstream.StatusChangedAt));
        UpstreamStatusTransitionEntity transition = upstream.StatusTransitions[^1];
        Assert.Equal(((UpstreamStatus?)UpstreamStatus.Pending, UpstreamStatus.Active, "probe succeeded"), (transition.From, transition.To, transition.Reason));
        Assert.Equal(2, upstream.StatusTransitions.Count);
    }

    [Fact]
    public void ChangeStatus_ToSameStatus_RecordsNothing()
    {
        UpstreamEntity upstream = Create(null, null);
        upstream.InitializeStatus(UpstreamStatus.Pending, "added", Now);

        bool changed = upstream.ChangeStatus(UpstreamStatus.Pending, "again", Now.AddMinutes(1));

        Assert.False(changed);
        Assert.Equal(("added", Now), (upstream.StatusReason, upstream.StatusChangedAt));
        Assert.Single(upstream.StatusTransitions);
    }

    private static UpstreamEntity Create(string? user, string? password, UpstreamScheme scheme = UpstreamScheme.Http) => new()
    {
        Id = 7,
        Scheme = scheme,
        Host = "198.51.100.7",
        Port = 8000,
        Username = user,
        Password = password,
        AddressKey = (scheme == UpstreamScheme.Http ? "http" : "socks5") + "://198.51.100.7:8000",
        Source = UpstreamEntity.ConfigSource,
    };
}
