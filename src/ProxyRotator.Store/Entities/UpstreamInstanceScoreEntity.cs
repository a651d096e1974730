namespace ProxyRotator.Store.Entities;

/// <summary>
/// One instance's own observations of one upstream (live traffic and the probes it ran), as time-decayed sums
/// (see <c>ScoreState</c>): each instance writes only its own rows, and every instance adds up the others' rows to
/// its own, so the score reflects the traffic of all instances instead of whichever wrote last. Rows of an
/// instance that stopped fade by decay and are deleted after a while.
/// </summary>
public sealed class UpstreamInstanceScoreEntity
{
    public required string InstanceId { get; set; }
    public long UpstreamId { get; set; }
    public double SuccessSum { get; set; }
    public double OutcomeWeight { get; set; }
    public double LatencySumMs { get; set; }
    public double LatencyWeight { get; set; }

    /// <summary>The time the sums were decayed to when written.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
