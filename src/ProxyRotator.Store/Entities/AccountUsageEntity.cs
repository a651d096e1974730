namespace ProxyRotator.Store.Entities;

/// <summary>
/// Usage of one account through one pool on one UTC day with one outcome (empty: served; else the failure kind),
/// added to by the usage write-behind. Kept after the account is deleted, for the record.
/// </summary>
public sealed class AccountUsageEntity
{
    public long Id { get; set; }
    public required string Account { get; set; }
    public required string Pool { get; set; }
    public DateOnly Day { get; set; }
    public string Outcome { get; set; } = string.Empty;
    public long Requests { get; set; }
    public long BytesUp { get; set; }
    public long BytesDown { get; set; }
}
