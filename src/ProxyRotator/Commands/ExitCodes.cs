namespace ProxyRotator.Commands;

/// <summary>The process exit codes of design §1.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed while running (database, network, server).</summary>
    public const int RuntimeFailure = 1;

    /// <summary>Bad command line or bad configuration: the operator has to change something.</summary>
    public const int UsageError = 2;
}
