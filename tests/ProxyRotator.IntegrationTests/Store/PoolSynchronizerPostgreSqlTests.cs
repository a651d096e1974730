using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>Every <see cref="PoolSynchronizerTests"/> test against a real PostgreSQL (a fresh database each).</summary>
[PostgresTestClass]
public sealed class PoolSynchronizerPostgreSqlTests : PoolSynchronizerTests
{
    protected override StoreProvider Provider => StoreProvider.PostgreSql;
}
