using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace ProxyRotator.Core.Backconnect;

/// <summary>Dialects by name (YARP's policy lookup): a frozen dictionary, built once, that refuses duplicate names.</summary>
public sealed class BackconnectDialectRegistry
{
    private readonly FrozenDictionary<string, IBackconnectDialect> _byName;

    public BackconnectDialectRegistry(IEnumerable<IBackconnectDialect> dialects)
    {
        ArgumentNullException.ThrowIfNull(dialects);
        var byName = new Dictionary<string, IBackconnectDialect>(StringComparer.OrdinalIgnoreCase);
        foreach (IBackconnectDialect dialect in dialects)
        {
            if (!byName.TryAdd(dialect.Name, dialect))
            {
                throw new ArgumentException($"Two backconnect dialects are named '{dialect.Name}'.", nameof(dialects));
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The five built-in vendor dialects.</summary>
    public static BackconnectDialectRegistry BuiltIn { get; } = new(
    [
        new BrightDataDialect(),
        new OxylabsDialect(),
        new DecodoDialect(),
        new IpRoyalDialect(),
        new SoaxDialect(),
    ]);

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    public bool TryGet(string name, [NotNullWhen(true)] out IBackconnectDialect? dialect) => _byName.TryGetValue(name, out dialect);
}
