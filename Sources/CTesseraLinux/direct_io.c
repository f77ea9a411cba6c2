#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include "CTesseraLinux.h"

int ctessera_open_new_direct(const char *path) {
#ifdef __linux__
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT, 0644);
#else
    (void)path;
    errno = EINVAL;
    return -1;
#endif
}

int ctessera_clear_direct(int fd) {
#ifdef __linux__
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags & ~O_DIRECT);
#else
    (void)fd;
    return 0;
#endif
}

int ctessera_set_direct(int fd) {
#ifdef __linux__
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_DIRECT);
#else
    (void)fd;
    errno = EINVAL;
    return -1;
#endif
}
