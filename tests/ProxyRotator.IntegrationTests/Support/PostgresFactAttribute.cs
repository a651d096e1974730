namespace ProxyRotator.IntegrationTests.Support;

/// <summary>A fact that needs PostgreSQL: skipped, with a visible reason, when <c>PROXYROTATOR_TEST_POSTGRES</c> is not set.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresTestServer.IsAvailable)
        {
            Skip = PostgresTestServer.SkipReason;
        }
    }
}
