using Xunit.Sdk;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// A <see cref="FactAttribute"/> for store tests that run on every provider: declared once in a base class, run by
/// each derived class (SQLite, PostgreSQL). In a class marked <see cref="PostgresTestClassAttribute"/> the test is
/// skipped, with a visible reason, when no PostgreSQL server is configured.
/// </summary>
[XunitTestCaseDiscoverer("ProxyRotator.IntegrationTests.Support.StoreFactDiscoverer", "ProxyRotator.IntegrationTests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;
