#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The POSIX calls the transfer code makes, named apart from the methods of the same name (`read`, `write`).
func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

func posixPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: Int64) -> Int {
    pread(fd, buffer, count, off_t(offset))
}

func posixPwrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ offset: Int64) -> Int {
    pwrite(fd, buffer, count, off_t(offset))
}

/// `lseek`'s `SEEK_DATA` (Linux, since 3.1): the next offset holding data. Glibc exports it only under
/// `_GNU_SOURCE`, which Swift's Glibc module is not built with.
let seekData: Int32 = 3
