namespace ProxyRotator.Core.Pool;

/// <summary>Groups candidates by <see cref="UpstreamProxy.CostRank"/>: the cheapest tier first (issue 12 §5).</summary>
internal static class CostTiers
{
    /// <summary>Sorts <paramref name="candidates"/> by cost (stable) and returns where each tier ends; null for a single tier.</summary>
    public static int[]? Sort(UpstreamCandidate[] candidates)
    {
        if (candidates.Length < 2)
        {
            return null;
        }

        decimal first = candidates[0].Upstream.CostRank;
        bool mixed = false;
        foreach (UpstreamCandidate candidate in candidates)
        {
            if (candidate.Upstream.CostRank != first)
            {
                mixed = true;
                break;
            }
        }

        if (!mixed)
        {
            return null;
        }

        UpstreamCandidate[] sorted = [.. candidates.OrderBy(c => c.Upstream.CostRank)];
        sorted.CopyTo(candidates, 0);
        var ends = new List<int>();
        for (int i = 1; i < candidates.Length; i++)
        {
            if (candidates[i].Upstream.CostRank != candidates[i - 1].Upstream.CostRank)
            {
                ends.Add(i);
            }
        }

        ends.Add(candidates.Length);
        return [.. ends];
    }
}
