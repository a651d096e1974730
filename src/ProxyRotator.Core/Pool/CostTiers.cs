namespace ProxyRotator.Core.Pool;

/// <summary>Groups candidates by <see cref="UpstreamProxy.CostRank"/>: the cheapest tier first (issue 12 §5).</summary>
internal static class CostTiers
{
    /// <summary>Sorts <paramref name="candidates"/> by cost, cheapest first, keeping the order of equal costs.</summary>
    public static void SortByCost(UpstreamCandidate[] candidates)
    {
        if (candidates.Length < 2 || Ends(candidates) is null)
        {
            return;
        }

        UpstreamCandidate[] sorted = [.. candidates.OrderBy(c => c.Upstream.CostRank)];
        sorted.CopyTo(candidates, 0);
    }

    /// <summary>Where each tier of cost-sorted <paramref name="candidates"/> ends (exclusive); null when all cost the same.</summary>
    public static int[]? Ends(IReadOnlyList<UpstreamCandidate> candidates)
    {
        List<int>? ends = null;
        for (int i = 1; i < candidates.Count; i++)
        {
            if (candidates[i].Upstream.CostRank != candidates[i - 1].Upstream.CostRank)
            {
                (ends ??= []).Add(i);
            }
        }

        if (ends is null)
        {
            return null;
        }

        ends.Add(candidates.Count);
        return [.. ends];
    }
}
