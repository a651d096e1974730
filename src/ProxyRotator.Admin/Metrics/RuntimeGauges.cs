using System.Diagnostics;

namespace ProxyRotator.Admin.Metrics;

/// <summary>
/// The .NET runtime's own figures on <c>/metrics</c>: managed heap, allocations, collections and threads. They tell
/// a leak in managed memory (heap after collections keeps growing) from native growth or fragmentation (RSS grows,
/// the heap does not) without attaching a diagnostics tool.
/// </summary>
internal static class RuntimeGauges
{
    public static void Write(PrometheusTextWriter w)
    {
        GCMemoryInfo lastCollection = GC.GetGCMemoryInfo();
        w.Family("proxyrotator_runtime_gc_heap_bytes", "gauge", "Managed heap size, live objects and garbage not yet collected");
        w.Sample("proxyrotator_runtime_gc_heap_bytes", GC.GetTotalMemory(forceFullCollection: false));
        w.Family("proxyrotator_runtime_gc_heap_after_last_collection_bytes", "gauge", "Managed heap size right after the last collection");
        w.Sample("proxyrotator_runtime_gc_heap_after_last_collection_bytes", lastCollection.HeapSizeBytes);
        w.Family("proxyrotator_runtime_gc_committed_bytes", "gauge", "Memory the GC has committed from the OS");
        w.Sample("proxyrotator_runtime_gc_committed_bytes", lastCollection.TotalCommittedBytes);
        w.Family("proxyrotator_runtime_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since start");
        w.Sample("proxyrotator_runtime_gc_allocated_bytes_total", GC.GetTotalAllocatedBytes(precise: false));
        w.Family("proxyrotator_runtime_gc_collections_total", "counter", "Garbage collections by generation");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            w.Sample("proxyrotator_runtime_gc_collections_total", GC.CollectionCount(generation),
                ("generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        w.Family("proxyrotator_runtime_threadpool_threads", "gauge", "Thread-pool threads");
        w.Sample("proxyrotator_runtime_threadpool_threads", ThreadPool.ThreadCount);
        using Process self = Process.GetCurrentProcess();
        w.Family("proxyrotator_runtime_working_set_bytes", "gauge", "Resident memory of the process");
        w.Sample("proxyrotator_runtime_working_set_bytes", self.WorkingSet64);
    }
}
