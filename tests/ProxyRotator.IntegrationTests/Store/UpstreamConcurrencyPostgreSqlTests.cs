using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store;

namespace ProxyRotator.IntegrationTests.Store;

/// <summary>Every <see cref="UpstreamConcurrencyTests"/> test against a real PostgreSQL (a fresh database each).</summary>
[PostgresTestClass]
public sealed class UpstreamConcurrencyPostgreSqlTests : UpstreamConcurrencyTests
{
    protected override StoreProvider Provider => StoreProvider.PostgreSql;
}
