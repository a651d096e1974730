using Mono.Cecil;
using Mono.Cecil.Cil;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Lifecycle;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.UnitTests.Architecture;

/// <summary>
/// One lifecycle decides every status transition: the IL of every ProxyRotator assembly is searched for calls that
/// set an upstream's status, and each caller must be the lifecycle (the pool sync may also move an upstream into or
/// out of the pool in the store: that is membership, which rebuilds the snapshot and the runtime state with it).
/// </summary>
public sealed class StatusOwnershipTests
{
    private static readonly string[] ProductAssemblies =
    [
        "proxyrotator", "ProxyRotator.Core", "ProxyRotator.Store", "ProxyRotator.Gateway", "ProxyRotator.Health",
        "ProxyRotator.Providers", "ProxyRotator.Admin", "ProxyRotator.Simulation",
    ];

    [Fact]
    public void RuntimeStatus_ChangedOnlyByTheLifecycle()
    {
        List<string> callers = CallersOf(typeof(UpstreamRuntimeState), nameof(UpstreamRuntimeState.ChangeStatus));

        Assert.Contains(typeof(UpstreamLifecycle).FullName!, callers);
        Assert.Equal([typeof(UpstreamLifecycle).FullName!], callers);
    }

    [Fact]
    public void StoredStatus_ChangedOnlyByTheLifecycleOrThePoolSync()
    {
        List<string> callers = CallersOf(typeof(UpstreamEntity), nameof(UpstreamEntity.ChangeStatus));

        Assert.Contains(typeof(UpstreamLifecycle).FullName!, callers);
        Assert.Empty(callers.Except([typeof(UpstreamLifecycle).FullName!, typeof(PoolSynchronizer).FullName!]));
    }

    /// <summary>The declaring top-level types of every method in our assemblies that calls <paramref name="type"/>.<paramref name="method"/>.</summary>
    private static List<string> CallersOf(Type type, string method)
    {
        var callers = new SortedSet<string>(StringComparer.Ordinal);
        string directory = Path.GetDirectoryName(typeof(StatusOwnershipTests).Assembly.Location)!;
        foreach (string name in ProductAssemblies)
        {
            using AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(Path.Combine(directory, name + ".dll"));
            foreach (TypeDefinition declaring in assembly.MainModule.GetTypes())
            {
                foreach (MethodDefinition body in declaring.Methods.Where(m => m.HasBody))
                {
                    if (body.Body.Instructions.Any(i => IsCallTo(i, type, method)))
                    {
                        callers.Add(TopLevel(declaring).FullName);
                    }
                }
            }
        }

        return [.. callers];
    }

    private static bool IsCallTo(Instruction instruction, Type type, string method) =>
        (instruction.OpCode == OpCodes.Call || instruction.OpCode == OpCodes.Callvirt)
        && instruction.Operand is MethodReference target
        && target.Name == method
        && target.DeclaringType.FullName == type.FullName;

    /// <summary>Lambdas and async state machines are nested types of the type whose code they are.</summary>
    private static TypeDefinition TopLevel(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    [Fact]
    public void CallersOf_AMethodCalledFromSeveralTypes_FindsThemAll()
    {
        // The search can fail: the runtime state's Enter is called by the gateway's pipeline, not by the lifecycle.
        List<string> callers = CallersOf(typeof(UpstreamRuntimeState), nameof(UpstreamRuntimeState.Enter));

        Assert.NotEmpty(callers);
        Assert.DoesNotContain(typeof(UpstreamLifecycle).FullName!, callers);
    }
}
