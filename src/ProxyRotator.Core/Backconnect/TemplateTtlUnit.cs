namespace ProxyRotator.Core.Backconnect;

/// <summary>How a template writes the session TTL into <c>{ttl}</c>.</summary>
public enum TemplateTtlUnit
{
    /// <summary>Whole seconds: <c>600</c>.</summary>
    Seconds = 0,

    /// <summary>Whole minutes: <c>10</c>.</summary>
    Minutes = 1,

    /// <summary>Whole hours: <c>2</c>.</summary>
    Hours = 2,

    /// <summary>A number and one unit, the largest that divides it: <c>90m</c>, <c>2h</c>, <c>1d</c>.</summary>
    Suffixed = 3,
}
