using System.Reflection;
using NetArchTest.Rules;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Protocols;
using ProxyRotator.Store;

namespace ProxyRotator.UnitTests.Architecture;

/// <summary>
/// The layering of "How it is built", held by a test: Core (model, selection, targeting) depends on neither
/// ASP.NET nor EF Core; the gateway (the request pipeline) never depends on the store, and nothing the gateway can
/// reach depends on EF Core, so no request can wait for the database through a compile-time path.
/// </summary>
public sealed class LayeringTests
{
    private const string AspNetCore = "Microsoft.AspNetCore";
    private const string EntityFramework = "Microsoft.EntityFrameworkCore";
    private const string StoreNamespace = "ProxyRotator.Store";

    private static readonly Assembly Core = typeof(ProxyUsernameParser).Assembly;
    private static readonly Assembly Gateway = typeof(HttpRequestHeadParser).Assembly;
    private static readonly Assembly Store = typeof(ProxyRotatorDbContext).Assembly;

    [Fact]
    public void Core_DependsOnNeitherAspNetCoreNorEfCore()
    {
        AssertNoDependency(Core, AspNetCore, EntityFramework);
        AssertNoAssemblyReference(Core, "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore");
    }

    [Fact]
    public void Gateway_NeverDependsOnTheStore()
    {
        AssertNoDependency(Gateway, StoreNamespace);
        AssertNoAssemblyReference(Gateway, Store.GetName().Name!);
    }

    [Fact]
    public void Gateway_TypesDoNotDependOnEfCore() => AssertNoDependency(Gateway, EntityFramework);

    [Fact]
    public void Gateway_NoAssemblyItCanReach_ReferencesEfCore()
    {
        // Every assembly of ours the request pipeline can load, following references from the gateway outwards.
        List<string> offenders = [.. ReachableProjectAssemblies(Gateway)
            .Where(a => a.GetReferencedAssemblies().Any(r => r.Name!.StartsWith(EntityFramework, StringComparison.Ordinal)))
            .Select(a => a.GetName().Name!)];

        Assert.True(offenders.Count == 0, "reachable from the gateway and referencing EF Core: " + string.Join(", ", offenders));
    }

    /// <summary>The rules can fail: the store, which is built on EF Core, breaks the rule the gateway keeps.</summary>
    [Fact]
    public void NoDependencyRule_AppliedToTheStore_NamesItsEfCoreTypes()
    {
        TestResult result = Types.InAssembly(Store).ShouldNot().HaveDependencyOnAny(EntityFramework).GetResult();

        Assert.False(result.IsSuccessful);
        Assert.Contains(typeof(ProxyRotatorDbContext).FullName, result.FailingTypeNames);
        Assert.Contains(Store.GetName().Name, ReachableProjectAssemblies(Store).Select(a => a.GetName().Name));
    }

    private static void AssertNoDependency(Assembly assembly, params string[] namespaces)
    {
        TestResult result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(namespaces).GetResult();

        Assert.True(result.IsSuccessful, $"{assembly.GetName().Name} types depending on {string.Join(" or ", namespaces)}: "
            + string.Join(", ", result.FailingTypeNames ?? []));
    }

    private static void AssertNoAssemblyReference(Assembly assembly, params string[] prefixes)
    {
        string[] references = [.. assembly.GetReferencedAssemblies().Select(r => r.Name!)
            .Where(name => prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))];

        Assert.True(references.Length == 0, $"{assembly.GetName().Name} references {string.Join(", ", references)}");
    }

    private static IEnumerable<Assembly> ReachableProjectAssemblies(Assembly start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([start]);
        while (pending.TryPop(out Assembly? assembly))
        {
            if (!seen.Add(assembly.GetName().Name!))
            {
                continue;
            }

            yield return assembly;
            foreach (AssemblyName reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name!.StartsWith("ProxyRotator.", StringComparison.Ordinal))
                {
                    pending.Push(Assembly.Load(reference));
                }
            }
        }
    }
}
