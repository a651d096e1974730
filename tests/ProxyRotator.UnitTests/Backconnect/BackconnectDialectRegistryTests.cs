using ProxyRotator.Core.Backconnect;

namespace ProxyRotator.UnitTests.Backconnect;

public sealed class BackconnectDialectRegistryTests
{
    [Theory]
    [InlineData("brightdata", typeof(BrightDataDialect))]
    [InlineData("oxylabs", typeof(OxylabsDialect))]
    [InlineData("decodo", typeof(DecodoDialect))]
    [InlineData("iproyal", typeof(IpRoyalDialect))]
    [InlineData("SOAX", typeof(SoaxDialect))]
    public void TryGet_BuiltInName_FindsDialect(string name, Type expected)
    {
        Assert.True(BackconnectDialectRegistry.BuiltIn.TryGet(name, out IBackconnectDialect? dialect));
        Assert.IsType(expected, dialect);
    }

    [Fact]
    public void TryGet_TemplateOrUnknown_NotInRegistry()
    {
        Assert.False(BackconnectDialectRegistry.BuiltIn.TryGet("template", out _));
        Assert.False(BackconnectDialectRegistry.BuiltIn.TryGet("smartproxy", out _));
    }

    [Fact]
    public void Constructor_DuplicateName_Throws() =>
        Assert.Throws<ArgumentException>(() => new BackconnectDialectRegistry([new SoaxDialect(), new SoaxDialect()]));

    [Fact]
    public void Names_BuiltIn_Sorted() =>
        Assert.Equal(["brightdata", "decodo", "iproyal", "oxylabs", "soax"], BackconnectDialectRegistry.BuiltIn.Names);
}
