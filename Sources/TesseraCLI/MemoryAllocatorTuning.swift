import Foundation
import CTesseraLinux

/// Keeps the C allocator from handing request-sized memory back to the kernel after every request.
///
/// Request bodies arrive in buffers of tens to hundreds of KiB. With glibc's defaults such a buffer may be
/// mapped for the request and unmapped after it, or freed memory trimmed from the heap, so the next request
/// faults in and zeroes fresh pages again; perf showed that page-fault and page-clearing work among the
/// server's largest kernel costs under PutSnapshotBlock. Serving allocations under 4 MiB from the heap and
/// trimming it only past 256 MiB free measured ~0.1 ms less CPU per 512 KiB block (bench/README.md), for a
/// few MiB more resident memory.
///
/// Memory held that way is never returned, so it must not be spread over many arenas: glibc makes up to
/// eight per core, and a one-hour soak left 10 of 16 arenas holding 1–2.5 MiB each with almost nothing in use
/// (RSS 110 → 143 MiB while the memory in use stayed flat at ~29 MiB). With two to four arenas the held memory
/// levelled off after ten minutes (81 vs 104 MiB at 25 minutes) at no measurable CPU cost (bench/README.md#soak).
/// An explicit MALLOC_* or GLIBC_TUNABLES setting in the environment wins.
enum MemoryAllocatorTuning {
    static func apply(environment: [String: String]) {
        let userTuned = environment.keys.contains { $0 == "GLIBC_TUNABLES" || $0.hasPrefix("MALLOC_") }
        guard !userTuned else { return }
        let arenas = max(2, min(ProcessInfo.processInfo.activeProcessorCount, 4))
        _ = ctessera_tune_allocator(4 << 20, 256 << 20, Int32(arenas))
    }
}
