import CTesseraLinux

/// Keeps the C allocator from handing request-sized memory back to the kernel after every request.
///
/// Request bodies arrive in buffers of tens to hundreds of KiB. With glibc's defaults such a buffer may be
/// mapped for the request and unmapped after it, or freed memory trimmed from the heap, so the next request
/// faults in and zeroes fresh pages again; perf showed that page-fault and page-clearing work among the
/// server's largest kernel costs under PutSnapshotBlock. Serving allocations under 4 MiB from the heap and
/// trimming it only past 256 MiB free measured ~0.1 ms less CPU per 512 KiB block (bench/README.md), for a
/// few MiB more resident memory. An explicit MALLOC_* or GLIBC_TUNABLES setting in the environment wins.
enum MemoryAllocatorTuning {
    static func apply(environment: [String: String]) {
        let userTuned = environment.keys.contains { $0 == "GLIBC_TUNABLES" || $0.hasPrefix("MALLOC_") }
        guard !userTuned else { return }
        _ = ctessera_tune_allocator(4 << 20, 256 << 20)
    }
}
