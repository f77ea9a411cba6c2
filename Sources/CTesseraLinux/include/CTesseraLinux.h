#ifndef CTESSERA_LINUX_H
#define CTESSERA_LINUX_H

#include <stdint.h>

/// Starts writeback of a file range without waiting for it (Linux sync_file_range with
/// SYNC_FILE_RANGE_WRITE); returns 0, or -1 with errno set. Elsewhere it does nothing and returns 0.
int ctessera_start_writeback(int fd, int64_t offset, int64_t length);

#endif
