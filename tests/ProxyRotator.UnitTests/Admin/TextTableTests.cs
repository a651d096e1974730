using ProxyRotator.AdminClient;

namespace ProxyRotator.UnitTests.Admin;

public sealed class TextTableTests
{
    [Fact]
    public void ToString_AlignsColumnsAndRightAlignsNumbers()
    {
        var table = new TextTable("ID", "POOL", "SCORE").AlignRight(0, 2);
        table.Add("7", "residential-eu", "0.90");
        table.Add("1234", "dc", null);

        Assert.Equal(
            "  ID  POOL            SCORE\n" +
            "----  --------------  -----\n" +
            "   7  residential-eu   0.90\n" +
            "1234  dc                  -\n",
            table.ToString());
    }

    [Fact]
    public void Add_WrongCellCount_Throws() =>
        Assert.Throws<ArgumentException>(() => new TextTable("A", "B").Add("only one"));
}
