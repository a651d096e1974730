using Xunit.Abstractions;
using Xunit.Sdk;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// Discovers <see cref="StoreFactAttribute"/> tests. The test method's class is the concrete (derived) class, so a
/// test inherited by a <see cref="PostgresTestClassAttribute"/> class becomes a skipped case when PostgreSQL is not
/// configured, and an ordinary case otherwise.
/// </summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        TestMethodDisplay display = discoveryOptions.MethodDisplayOrDefault();
        TestMethodDisplayOptions displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        bool needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(PostgresTestClassAttribute)).Any();
        if (needsPostgres && !PostgresTestServer.IsAvailable)
        {
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, PostgresTestServer.SkipReason)];
        }

        return [new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)];
    }
}
