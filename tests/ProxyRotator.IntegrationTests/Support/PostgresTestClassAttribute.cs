namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// Marks a test class whose <see cref="StoreFactAttribute"/> tests run against PostgreSQL: without
/// <c>PROXYROTATOR_TEST_POSTGRES</c> they are reported as skipped (xunit 2 has no runtime skip, so the decision is
/// made at discovery by <see cref="StoreFactDiscoverer"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PostgresTestClassAttribute : Attribute;
