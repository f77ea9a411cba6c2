#include "CTesseraLinux.h"
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#endif

int ctessera_tune_allocator(int mmap_threshold, int trim_threshold, int arena_max) {
#if defined(__linux__) && defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1
        && mallopt(M_ARENA_MAX, arena_max) == 1 ? 0 : -1;
#else
    (void)mmap_threshold; (void)trim_threshold; (void)arena_max;
    return 0;
#endif
}
