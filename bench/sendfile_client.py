"""The cheapest HTTP/1.1 client this machine can run, to find a server's own limit when client and server
share two cores: a few threads, each one keep-alive connection, sending requests signed beforehand, each
body straight from a file with os.sendfile (no copy through user space) and each response body read into
one reused buffer. It speaks only what the benchmarks need: Content-Length bodies, no chunked encoding."""

import concurrent.futures, itertools, os, socket


class Request:
    """One request: its head (request line and headers, already signed) and the file its body comes from."""

    def __init__(self, method, path, port, headers, body_path=None):
        self.body_path = body_path
        length = os.path.getsize(body_path) if body_path else 0
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
        lines += [f"{name}: {value}" for name, value in headers.items() if name.lower() != "host"]
        if body_path or method in ("PUT", "POST"):
            lines.append(f"Content-Length: {length}")
        self.head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.length = length


class Connection:
    """One keep-alive connection to 127.0.0.1:port, opened again when the server answers `Connection:
    close` (moto's server does, after every request)."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.body = bytearray(1 << 20)

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb", buffering=1 << 16)

    def send(self, request):
        """Sends the request (over a new connection if the server closed the last one); returns (status,
        body length), the body kept in self.body."""
        if self.sock is None:
            self.connect()
        self.sock.sendall(request.head)
        if request.body_path:
            with open(request.body_path, "rb") as f:
                sent = 0
                while sent < request.length:
                    n = os.sendfile(self.sock.fileno(), f.fileno(), sent, request.length - sent)
                    if n == 0:
                        raise ConnectionError("the server closed the connection mid-body")
                    sent += n
        status_line = self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length = 0
        keep_alive = True
        while True:
            line = self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value.strip())
            elif name == b"connection" and value.strip().lower() == b"close":
                keep_alive = False
        if length > len(self.body):
            self.body = bytearray(length)
        view = memoryview(self.body)[:length]
        got = 0
        while got < length:
            n = self.reader.readinto(view[got:])
            if not n:
                raise ConnectionError("the server closed the connection mid-response")
            got += n
        if not keep_alive:
            self.close()
        return status, length

    def close(self):
        if self.sock is not None:
            self.reader.close()
            self.sock.close()
            self.sock = None


def run(port, requests, threads=16):
    """Sends every request, `threads` at a time over as many connections; returns [(status, body length)]
    in request order. Raises if any request fails to get an answer."""
    results = [None] * len(requests)
    counter = itertools.count()

    def worker():
        connection = Connection(port)
        try:
            while True:
                n = next(counter)
                if n >= len(requests):
                    return
                results[n] = connection.send(requests[n])
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(worker) for _ in range(threads)]:
            future.result()
    return results
