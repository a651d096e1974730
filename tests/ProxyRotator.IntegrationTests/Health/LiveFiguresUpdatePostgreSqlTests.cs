using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Health;

/// <summary>Every <see cref="LiveFiguresUpdateProviderTests"/> test against a real PostgreSQL.</summary>
[PostgresTestClass]
public sealed class LiveFiguresUpdatePostgreSqlTests : LiveFiguresUpdateProviderTests
{
    protected override StoreProvider Provider => StoreProvider.PostgreSql;
}
