using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>Every <see cref="StoreSessionStoreTests"/> test against a real PostgreSQL (a fresh database each).</summary>
[PostgresTestClass]
public sealed class StoreSessionStorePostgreSqlTests : StoreSessionStoreTests
{
    protected override StoreProvider Provider => StoreProvider.PostgreSql;
}
