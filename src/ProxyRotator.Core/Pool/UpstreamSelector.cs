namespace ProxyRotator.Core.Pool;

/// <summary>
/// Picks one upstream for a request: power of two choices among the query's candidates (cached in the snapshot),
/// preferring the better-scored, less-loaded of two random draws. The preference is soft — the winner is taken with
/// probability w₁²/(w₁²+w₂²), w = (score + 0.05)/(1 + in-flight) — so near-equal upstreams share the load evenly
/// while a clearly better or idler one wins most draws. Active upstreams only; pending ones when no active one is
/// left (none match, or all matching ones are excluded). No allocation per pick. Thread-safe.
/// </summary>
public sealed class UpstreamSelector
{
    /// <summary>Random draws that may hit an excluded upstream before falling back to a linear scan.</summary>
    private const int DrawAttempts = 4;

    /// <summary>Keeps a score of 0 from making an upstream's weight 0 (it is still eligible, just unlikely).</summary>
    private const double ScoreFloor = 0.05;

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
        return PickFrom(candidates.Active, excludedIds) ?? PickFrom(candidates.Pending, excludedIds);
    }

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

        string? country = query.GeoVerifiedOnly ? upstream.VerifiedCountry : upstream.EffectiveCountry;
        if (query.Country is not null
            ? !string.Equals(country, query.Country, StringComparison.OrdinalIgnoreCase)
            : query.GeoVerifiedOnly && country is null)
        {
            return false;
        }

        return query.City is null || string.Equals(upstream.City, query.City, StringComparison.OrdinalIgnoreCase);
    }

    private UpstreamProxy? PickFrom(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds)
    {
        int count = candidates.Length;
        if (count == 0)
        {
            return null;
        }

        if (count == 1)
        {
            return candidates[0].Load.IsExcluded || excludedIds.Contains(candidates[0].Id) ? null : candidates[0].Upstream;
        }

        int firstIndex = Draw(candidates, excludedIds, avoid: -1);
        if (firstIndex < 0)
        {
            return ScanBest(candidates, excludedIds);
        }

        int secondIndex = Draw(candidates, excludedIds, avoid: firstIndex);
        if (secondIndex < 0)
        {
            return candidates[firstIndex].Upstream;
        }

        ref readonly UpstreamCandidate first = ref candidates[firstIndex];
        ref readonly UpstreamCandidate second = ref candidates[secondIndex];
        double w1 = Weight(first);
        double w2 = Weight(second);
        w1 *= w1;
        w2 *= w2;
        return _random.NextDouble() * (w1 + w2) < w1 ? first.Upstream : second.Upstream;
    }

    /// <summary>A random index not excluded and not <paramref name="avoid"/>, or -1 after a few unlucky draws.</summary>
    private int Draw(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds, int avoid)
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

            ref readonly UpstreamCandidate candidate = ref candidates[index];
            if (!candidate.Load.IsExcluded && (excludedIds.IsEmpty || !excludedIds.Contains(candidate.Id)))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>Fallback when the draws kept hitting excluded upstreams (a small list mostly tried already).</summary>
    private UpstreamProxy? ScanBest(ReadOnlySpan<UpstreamCandidate> candidates, ReadOnlySpan<long> excludedIds)
    {
        UpstreamProxy? best = null;
        double bestWeight = double.MinValue;
        int start = _random.Next(candidates.Length);
        for (int i = 0; i < candidates.Length; i++)
        {
            ref readonly UpstreamCandidate candidate = ref candidates[(start + i) % candidates.Length];
            if (candidate.Load.IsExcluded || excludedIds.Contains(candidate.Id))
            {
                continue;
            }

            double weight = Weight(candidate);
            if (weight > bestWeight)
            {
                best = candidate.Upstream;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>The live score when one was published since the snapshot was built, else the snapshot's.</summary>
    private static double Weight(in UpstreamCandidate candidate)
    {
        double live = candidate.Load.Score;
        double score = double.IsNaN(live) ? candidate.Score : Math.Clamp(live, 0, 1);
        return (score + ScoreFloor) / (1 + Math.Max(0, candidate.Load.InFlight));
    }
}
