namespace ProxyRotator.Core.Pool;

/// <summary>
/// Picks one upstream for a request: power of two choices among the query's candidates (cached in the snapshot),
/// taking the one of two random draws with the lower weighted pick count, (picks + 1) / w² with
/// w = (score + 0.05)/(1 + in-flight). Among equals that is "the less-picked of two", which spreads sequential
/// requests evenly (random draws alone leave some upstreams with almost twice the share of others); a better score
/// earns proportionally more picks (stride scheduling, share ∝ w²) and requests in flight make an upstream lose at
/// once, so the pick stays score-weighted and load-aware under concurrency. Pick counts live in
/// <see cref="UpstreamRuntimeState"/> and survive snapshot rebuilds; an upstream that joins late or comes back is lifted to a
/// few picks behind the one it beat, so it catches up quickly instead of taking a double share for long. Status is read from
/// the runtime state, not the snapshot: active upstreams only; pending ones when no active one is left (none match,
/// or all matching ones are tried or quarantined); quarantined and retired ones never. With candidates at different
/// costs (<see cref="UpstreamProxy.CostRank"/>), the pick runs per cost tier, cheapest first, among candidates in good
/// standing (see <see cref="DemotedBelowScore"/>). No allocation per pick. Thread-safe.
/// </summary>
public sealed class UpstreamSelector
{
    /// <summary>Random draws that may hit an ineligible or tried upstream before falling back to a linear scan.</summary>
    private const int DrawAttempts = 4;

    /// <summary>Keeps a score of 0 from making an upstream's weight 0 (it is still eligible, just unlikely).</summary>
    private const double ScoreFloor = 0.05;

    /// <summary>How many picks an upstream may be behind the one it beat: an upstream that joins late or comes back
    /// catches up by this many extra picks, not by a long stretch of double share.</summary>
    private const long CatchUpPicks = 8;

    private readonly Random _random;

    /// <summary>Uses <see cref="Random.Shared"/> (thread-safe).</summary>
    public UpstreamSelector()
        : this(Random.Shared)
    {
    }

    /// <summary>For tests: a seeded <see cref="Random"/> makes picks repeatable (not thread-safe unless it is <see cref="Random.Shared"/>).</summary>
    public UpstreamSelector(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
    }

    /// <summary>
    /// One upstream matching <paramref name="query"/> that is not in <paramref name="excludedIds"/> (upstreams already
    /// tried for this request) and not avoided by <paramref name="avoid"/> (a site's bans, another account's reserved
    /// exits; null for none), or null when none is left.
    /// </summary>
    public UpstreamProxy? Pick(PoolSnapshot snapshot, in UpstreamQuery query, ReadOnlySpan<long> excludedIds, IUpstreamAvoidance? avoid = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        UpstreamCandidates candidates = snapshot.GetCandidates(query);
        UpstreamCandidates.StatusPartition partition = candidates.Current();
        UpstreamProxy? picked = PickCheapestInGoodStanding(candidates, partition, query, excludedIds, avoid)
            ?? PickFrom(partition.Active, excludedIds, avoid) ?? PickFrom(partition.Pending, excludedIds, avoid);
        if (picked is null && candidates.Resort(out partition))
        {
            // Nothing left in a split made before the latest status change (a revival, say): sort again now.
            picked = PickFrom(partition.Active, excludedIds, avoid) ?? PickFrom(partition.Pending, excludedIds, avoid);
        }

        return picked;
    }

    /// <summary>
    /// Whether <see cref="Pick"/> would find an upstream, without picking one: a pick counts toward the even shares,
    /// so asking "is there another?" must not.
    /// </summary>
    public bool HasAny(PoolSnapshot snapshot, in UpstreamQuery query, ReadOnlySpan<long> excludedIds, IUpstreamAvoidance? avoid = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        UpstreamCandidates.StatusPartition partition = snapshot.GetCandidates(query).Current();
        return AnyLeft(partition.Active, excludedIds, avoid) || AnyLeft(partition.Pending, excludedIds, avoid);
    }

    private static bool AnyLeft(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds, IUpstreamAvoidance? avoid)
    {
        foreach (ref readonly UpstreamCandidate candidate in candidates)
        {
            if (!IsPassedOver(candidate, excludedIds, avoid))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A live score below this takes an upstream out of its cost tier: a cheap upstream that keeps failing loses its
    /// place to the next tier and is used only when nothing in good standing is left.
    /// </summary>
    public const double DemotedBelowScore = 0.3;

    /// <summary>
    /// The cost waterfall (issue 12 §5): the cheapest tier of active candidates whose members are in good standing
    /// first, then the next tier. A demoted candidate (failing score, or a backconnect upstream weak in the asked
    /// country) competes only afterwards, with everyone. Null when there is a single tier and no backconnect upstream.
    /// </summary>
    private UpstreamProxy? PickCheapestInGoodStanding(
        UpstreamCandidates candidates, UpstreamCandidates.StatusPartition partition, in UpstreamQuery query, ReadOnlySpan<long> excludedIds, IUpstreamAvoidance? avoid)
    {
        ReadOnlySpan<UpstreamCandidate> active = partition.Active;
        if (partition.TierEnds is { } tierEnds)
        {
            int start = 0;
            foreach (int end in tierEnds)
            {
                if (PickFrom(active[start..end], excludedIds, avoid, query.Country, skipDemoted: true) is { } cheapest)
                {
                    return cheapest;
                }

                start = end;
            }

            return null;
        }

        return candidates.HasBackconnect ? PickFrom(active, excludedIds, avoid, query.Country, skipDemoted: true) : null;
    }

    /// <summary>Out of its tier: a failing score, or (a backconnect upstream) weak in the asked country.</summary>
    private static bool IsDemoted(in UpstreamCandidate candidate, string? country) =>
        candidate.Runtime.Score < DemotedBelowScore
        || (candidate.Upstream.Backconnect is { } backconnect && backconnect.Health.IsWeak(country));

    /// <summary>
    /// Whether <paramref name="upstream"/> is eligible (active or pending) and satisfies <paramref name="query"/>:
    /// used to check that a sticky session's upstream still fits its targeting.
    /// </summary>
    public bool Matches(UpstreamProxy upstream, in UpstreamQuery query)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return upstream.Runtime.IsEligible && MatchesTags(upstream, query);
    }

    /// <summary>Whether <paramref name="upstream"/>'s membership and tags satisfy <paramref name="query"/>, whatever its status.</summary>
    internal static bool MatchesTags(UpstreamProxy upstream, in UpstreamQuery query)
    {
        if (query.Pool is not null && !string.Equals(upstream.PoolName, query.Pool, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (query.Access is { } access && !access.Allows(upstream.PoolName))
        {
            return false;
        }

        if (query.Type is { } type && upstream.Type != type)
        {
            return false;
        }

        if (upstream.Backconnect is { } backconnect)
        {
            // A vendor gateway serves the countries it lists; its dialect decides city, state and asn per request (a
            // refusal moves the request on). Its exit is not verified ahead of a request, so geo-verified skips it.
            return !query.GeoVerifiedOnly && backconnect.Countries.Covers(query.Country);
        }

        if (query.BackconnectOnly || (query.StableExit && upstream.IsRotatingExit))
        {
            return false;
        }

        string? country = query.GeoVerifiedOnly ? upstream.VerifiedCountry : upstream.EffectiveCountry;
        if (query.Country is not null
            ? !string.Equals(country, query.Country, StringComparison.OrdinalIgnoreCase)
            : query.GeoVerifiedOnly && country is null)
        {
            return false;
        }

        return query.City is null || string.Equals(upstream.City, query.City, StringComparison.OrdinalIgnoreCase);
    }

    private UpstreamProxy? PickFrom(
        ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds, IUpstreamAvoidance? avoid, string? country = null, bool skipDemoted = false)
    {
        int count = candidates.Length;
        if (count == 0)
        {
            return null;
        }

        if (count == 1)
        {
            return IsPassedOver(candidates[0], excludedIds, avoid, country, skipDemoted) ? null : Chosen(candidates[0]);
        }

        int firstIndex = Draw(candidates, excludedIds, avoid, skip: -1, country, skipDemoted);
        if (firstIndex < 0)
        {
            return ScanBest(candidates, excludedIds, avoid, country, skipDemoted);
        }

        int secondIndex = Draw(candidates, excludedIds, avoid, skip: firstIndex, country, skipDemoted);
        if (secondIndex < 0)
        {
            return Chosen(candidates[firstIndex]);
        }

        ref readonly UpstreamCandidate first = ref candidates[firstIndex];
        ref readonly UpstreamCandidate second = ref candidates[secondIndex];
        return Key(second) < Key(first) ? Chosen(second, first) : Chosen(first, second);
    }

    /// <summary>Counts the pick, so the next draws even the shares out.</summary>
    private static UpstreamProxy Chosen(in UpstreamCandidate candidate)
    {
        candidate.Runtime.RecordPick(0);
        return candidate.Upstream;
    }

    /// <summary>
    /// Counts the pick, and lifts the winner's count to at most <see cref="CatchUpPicks"/> behind the loser's (in
    /// score-weighted terms, in-flight left out), so a deficit is forgotten instead of repaid over thousands of picks.
    /// </summary>
    private static UpstreamProxy Chosen(in UpstreamCandidate winner, in UpstreamCandidate loser)
    {
        double ratio = ScoreWeight(winner) / ScoreWeight(loser);
        // The loser's last pick stands at Picks / w² (its next at (Picks + 1) / w²): the winner is lifted only when it
        // is more than CatchUpPicks of its own picks before that.
        double level = loser.Runtime.Picks * ratio * ratio - CatchUpPicks;
        winner.Runtime.RecordPick(level > 0 ? (long)Math.Min(level, long.MaxValue / 2) : 0);
        return winner.Upstream;
    }

    /// <summary>Weighted pick count, lower wins: (picks + 1) / w², so shares follow w² and in-flight requests count at once.</summary>
    private static double Key(in UpstreamCandidate candidate)
    {
        double weight = Weight(candidate);
        return (candidate.Runtime.Picks + 1) / (weight * weight);
    }

    /// <summary>Not eligible (quarantined, retired), tried already, or avoided for this request.</summary>
    private static bool IsPassedOver(
        in UpstreamCandidate candidate, ReadOnlySpan<long> excludedIds, IUpstreamAvoidance? avoid, string? country = null, bool skipDemoted = false) =>
        !candidate.Runtime.IsEligible
        || (!excludedIds.IsEmpty && excludedIds.Contains(candidate.Id))
        || (avoid is not null && avoid.Avoids(candidate.Upstream))
        || (skipDemoted && IsDemoted(candidate, country));

    /// <summary>A random index not passed over and not <paramref name="skip"/>, or -1 after a few unlucky draws.</summary>
    private int Draw(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds, IUpstreamAvoidance? avoid, int skip, string? country, bool skipDemoted)
    {
        for (int attempt = 0; attempt < DrawAttempts; attempt++)
        {
            int index;
            if (skip < 0)
            {
                index = _random.Next(candidates.Length);
            }
            else
            {
                index = _random.Next(candidates.Length - 1);
                if (index >= skip)
                {
                    index++;
                }
            }

            if (!IsPassedOver(candidates[index], excludedIds, avoid, country, skipDemoted))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>Fallback when the draws kept hitting ineligible or tried upstreams (a small list mostly tried already).</summary>
    private UpstreamProxy? ScanBest(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds, IUpstreamAvoidance? avoid, string? country, bool skipDemoted)
    {
        int best = -1;
        double bestKey = double.MaxValue;
        int start = _random.Next(candidates.Length);
        for (int i = 0; i < candidates.Length; i++)
        {
            int index = (start + i) % candidates.Length;
            ref readonly UpstreamCandidate candidate = ref candidates[index];
            if (IsPassedOver(candidate, excludedIds, avoid, country, skipDemoted))
            {
                continue;
            }

            double key = Key(candidate);
            if (key < bestKey)
            {
                best = index;
                bestKey = key;
            }
        }

        return best < 0 ? null : Chosen(candidates[best]);
    }

    /// <summary>The live score divided by one plus the requests in flight.</summary>
    private static double Weight(in UpstreamCandidate candidate) =>
        ScoreWeight(candidate) / (1 + Math.Max(0, candidate.Runtime.InFlight));

    /// <summary>The score part of the weight, never 0.</summary>
    private static double ScoreWeight(in UpstreamCandidate candidate)
    {
        return candidate.Runtime.Score + ScoreFloor;
    }
}
