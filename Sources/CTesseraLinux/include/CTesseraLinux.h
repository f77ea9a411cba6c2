#ifndef CTESSERA_LINUX_H
#define CTESSERA_LINUX_H

#include <stdint.h>

/// Starts writeback of a file range without waiting for it (Linux sync_file_range with
/// SYNC_FILE_RANGE_WRITE); returns 0, or -1 with errno set. Elsewhere it does nothing and returns 0.
int ctessera_start_writeback(int fd, int64_t offset, int64_t length);

/// Creates a new file for writing that bypasses the page cache (Linux O_DIRECT, with O_EXCL and
/// O_CLOEXEC, mode 0644); returns the descriptor, or -1 with errno set (EINVAL where the file system or
/// the platform has no direct I/O).
int ctessera_open_new_direct(const char *path);

/// Turns direct I/O (Linux O_DIRECT) on for an open descriptor; returns 0, or -1 with errno set (EINVAL
/// where the file system or the platform has no direct I/O).
int ctessera_set_direct(int fd);

/// Turns direct I/O off on a descriptor, so writes of any length and alignment go through the page
/// cache again; returns 0, or -1 with errno set.
int ctessera_clear_direct(int fd);

/// Sets glibc's malloc mmap threshold and heap trim threshold (mallopt); returns 0, or -1 when glibc
/// refused a value. Does nothing and returns 0 on other C libraries.
int ctessera_tune_allocator(int mmap_threshold, int trim_threshold, int arena_max);

#endif
