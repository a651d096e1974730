using ProxyRotator.Admin.Queries;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.UnitTests.Admin;

public sealed class UpstreamFilterParserTests
{
    [Fact]
    public void TryParse_Nothing_DefaultsToLiveUpstreamsFirstPage()
    {
        Assert.True(UpstreamFilterParser.TryParse(null, null, null, null, null, null, out UpstreamFilter filter, out _));

        Assert.Equal((null, null, 1, 100), (filter.Pool, filter.Statuses, filter.Page, filter.PageSize));
    }

    [Fact]
    public void TryParse_AllFields_Normalises()
    {
        Assert.True(UpstreamFilterParser.TryParse(" res ", "Active,quarantined", "MOBILE", "de", "3", "50", out UpstreamFilter filter, out _));

        Assert.Equal("res", filter.Pool);
        Assert.Equal([UpstreamStatus.Active, UpstreamStatus.Quarantined], filter.Statuses);
        Assert.Equal((UpstreamType.Mobile, "DE", 3, 50), (filter.Type!.Value, filter.Country, filter.Page, filter.PageSize));
    }

    [Fact]
    public void TryParse_CountryUk_FiltersGb()
    {
        Assert.True(UpstreamFilterParser.TryParse(null, null, null, "uk", null, null, out UpstreamFilter filter, out _));

        Assert.Equal("GB", filter.Country);
    }

    [Fact]
    public void TryParse_StatusAll_IncludesRetired()
    {
        Assert.True(UpstreamFilterParser.TryParse(null, "all", null, null, null, null, out UpstreamFilter filter, out _));

        Assert.Contains(UpstreamStatus.Retired, filter.Statuses!);
    }

    [Theory]
    [InlineData("dead", null, null, null, null, "status")]
    [InlineData("1", null, null, null, null, "status")]
    [InlineData(null, "ufo", null, null, null, "type")]
    [InlineData(null, null, "DEU", null, null, "country")]
    [InlineData(null, null, "XX", null, null, "country")]
    [InlineData(null, null, null, "0", null, "page")]
    [InlineData(null, null, null, "x", null, "page")]
    [InlineData(null, null, null, null, "1001", "pageSize")]
    [InlineData(null, null, null, null, "-1", "pageSize")]
    public void TryParse_BadValue_NamesTheField(string? status, string? type, string? country, string? page, string? pageSize, string field)
    {
        Assert.False(UpstreamFilterParser.TryParse(null, status, type, country, page, pageSize, out _, out AdminInputError? error));

        Assert.Equal(field, error!.Field);
    }
}
