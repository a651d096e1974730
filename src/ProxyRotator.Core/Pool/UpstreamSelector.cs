namespace ProxyRotator.Core.Pool;

/// <summary>
/// Picks one upstream for a request: power of two choices among the query's candidates (cached in the snapshot),
/// taking the one of two random draws with the lower weighted pick count, (picks + 1) / w² with
/// w = (score + 0.05)/(1 + in-flight). Among equals that is "the less-picked of two", which spreads sequential
/// requests evenly (random draws alone leave some upstreams with almost twice the share of others); a better score
/// earns proportionally more picks (stride scheduling, share ∝ w²) and requests in flight make an upstream lose at
/// once, so the pick stays score-weighted and load-aware under concurrency. Pick counts live in
/// <see cref="UpstreamLoad"/> and survive snapshot rebuilds; an upstream that joins late or comes back is lifted to a
/// few picks behind the one it beat, so it catches up quickly instead of taking a double share for long. Active
/// upstreams only; pending ones when no active one is left (none match, or all matching ones are excluded). No
/// allocation per pick. Thread-safe.
/// </summary>
public sealed class UpstreamSelector
{
    /// <summary>Random draws that may hit an excluded upstream before falling back to a linear scan.</summary>
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
    /// tried for this request), or null when none is left.
    /// </summary>
    public UpstreamProxy? Pick(PoolSnapshot snapshot, in UpstreamQuery query, ReadOnlySpan<long> excludedIds)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        UpstreamCandidates candidates = snapshot.GetCandidates(query);
        if (candidates.ActiveTierEnds is { } tierEnds)
        {
            // Cost waterfall: the cheapest tier whose upstreams are in good standing first; a demoted upstream (failing,
            // or weak in the asked country) competes only once every tier had its turn.
            ReadOnlySpan<UpstreamCandidate> active = candidates.Active;
            int start = 0;
            foreach (int end in tierEnds)
            {
                if (PickFrom(active[start..end], excludedIds, query.Country, skipDemoted: true) is { } cheapest)
                {
                    return cheapest;
                }

                start = end;
            }
        }
        else if (candidates.HasBackconnect
            && PickFrom(candidates.Active, excludedIds, query.Country, skipDemoted: true) is { } inGoodStanding)
        {
            return inGoodStanding;
        }

        return PickFrom(candidates.Active, excludedIds) ?? PickFrom(candidates.Pending, excludedIds);
    }

    /// <summary>
    /// A live score below this takes an upstream out of its cost tier: a cheap upstream that keeps failing loses its
    /// place to the next tier and is used only when nothing in good standing is left.
    /// </summary>
    public const double DemotedBelowScore = 0.3;

    /// <summary>Out of its tier: a failing score, or (a backconnect upstream) weak in the asked country.</summary>
    private static bool IsDemoted(in UpstreamCandidate candidate, string? country) =>
        ScoreWeight(candidate) - ScoreFloor < DemotedBelowScore
        || (candidate.Upstream.Backconnect is { } backconnect && backconnect.Health.IsWeak(country));

    /// <summary>
    /// Whether <paramref name="upstream"/> is eligible (active or pending) and satisfies <paramref name="query"/>:
    /// used to check that a sticky session's upstream still fits its targeting.
    /// </summary>
    public bool Matches(UpstreamProxy upstream, in UpstreamQuery query) => MatchesQuery(upstream, query);

    internal static bool MatchesQuery(UpstreamProxy upstream, in UpstreamQuery query)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        if (!upstream.IsEligible || upstream.Load.IsExcluded)
        {
            return false;
        }

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

    private UpstreamProxy? PickFrom(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds, string? country = null, bool skipDemoted = false)
    {
        int count = candidates.Length;
        if (count == 0)
        {
            return null;
        }

        if (count == 1)
        {
            return !Usable(candidates[0], excludedIds, country, skipDemoted) ? null : Chosen(candidates[0]);
        }

        int firstIndex = Draw(candidates, excludedIds, avoid: -1, country, skipDemoted);
        if (firstIndex < 0)
        {
            return ScanBest(candidates, excludedIds, country, skipDemoted);
        }

        int secondIndex = Draw(candidates, excludedIds, avoid: firstIndex, country, skipDemoted);
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
        candidate.Load.RecordPick(0);
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
        double level = loser.Load.Picks * ratio * ratio - CatchUpPicks;
        winner.Load.RecordPick(level > 0 ? (long)Math.Min(level, long.MaxValue / 2) : 0);
        return winner.Upstream;
    }

    /// <summary>Weighted pick count, lower wins: (picks + 1) / w², so shares follow w² and in-flight requests count at once.</summary>
    private static double Key(in UpstreamCandidate candidate)
    {
        double weight = Weight(candidate);
        return (candidate.Load.Picks + 1) / (weight * weight);
    }

    /// <summary>A random index not excluded and not <paramref name="avoid"/>, or -1 after a few unlucky draws.</summary>
    private int Draw(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds, int avoid, string? country, bool skipDemoted)
    {
        for (int attempt = 0; attempt < DrawAttempts; attempt++)
        {
            int index;
            if (avoid < 0)
            {
                index = _random.Next(candidates.Length);
            }
            else
            {
                index = _random.Next(candidates.Length - 1);
                if (index >= avoid)
                {
                    index++;
                }
            }

            if (Usable(candidates[index], excludedIds, country, skipDemoted))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>Fallback when the draws kept hitting excluded upstreams (a small list mostly tried already).</summary>
    private UpstreamProxy? ScanBest(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds, string? country, bool skipDemoted)
    {
        int best = -1;
        double bestKey = double.MaxValue;
        int start = _random.Next(candidates.Length);
        for (int i = 0; i < candidates.Length; i++)
        {
            int index = (start + i) % candidates.Length;
            ref readonly UpstreamCandidate candidate = ref candidates[index];
            if (!Usable(candidate, excludedIds, country, skipDemoted))
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

    private static bool Usable(in UpstreamCandidate candidate, ReadOnlySpan<long> excludedIds, string? country, bool skipDemoted) =>
        !candidate.Load.IsExcluded
        && (excludedIds.IsEmpty || !excludedIds.Contains(candidate.Id))
        && !(skipDemoted && IsDemoted(candidate, country));

    /// <summary>The live score when one was published since the snapshot was built, else the snapshot's.</summary>
    private static double Weight(in UpstreamCandidate candidate) =>
        ScoreWeight(candidate) / (1 + Math.Max(0, candidate.Load.InFlight));

    /// <summary>The score part of the weight, never 0.</summary>
    private static double ScoreWeight(in UpstreamCandidate candidate)
    {
        double live = candidate.Load.Score;
        double score = double.IsNaN(live) ? candidate.Score : Math.Clamp(live, 0, 1);
        return score + ScoreFloor;
    }
}
