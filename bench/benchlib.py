"""Pieces every benchmark shares: the disk and hashing limits measured in the same run, and servers
(Tessera or moto) started on a free loopback port whose peak RSS is read from /proc."""
import concurrent.futures, hashlib, os, re, shutil, signal, subprocess, time

import botocore.auth, botocore.awsrequest, botocore.credentials

MIB = 1 << 20
KEY, SECRET, ACCOUNT = "AKIDBENCH", "SECRETBENCH", "123456789012"


def run_dd(out):
    """The disk's durable sequential write speed: dd of 1 GiB with fdatasync."""
    path = os.path.join(out, "dd.tmp")
    start = time.monotonic()
    subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=8M", "count=128", "conv=fdatasync"],
                   check=True, capture_output=True)
    seconds = time.monotonic() - start
    os.remove(path)
    return 1024 * MIB / seconds / 1e6


def sha256_per_core():
    data = os.urandom(256 * MIB)
    start = time.monotonic()
    for _ in range(4):
        hashlib.sha256(data).digest()
    return 4 * 256 * MIB / (time.monotonic() - start) / 1e6


def make_file(path, size):
    with open(path, "wb") as f:
        chunk = os.urandom(16 * MIB)
        written = 0
        while written < size:
            n = min(len(chunk), size - written)
            f.write(chunk[:n])
            written += n



def terminate(proc, timeout=10):
    """SIGTERM, then SIGKILL after `timeout` seconds; waits for the process either way."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()

def proc_status_mib(pid, field):
    """A memory figure of /proc/PID/status (VmRSS, VmHWM, …), in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """A `tessera serve` (or moto_server) on a free loopback port, with its peak RSS read from /proc."""

    def __init__(self, argv, ready_pattern, env=None):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + 60
        for line in self.proc.stdout:
            m = re.search(ready_pattern, line)
            if m:
                self.port = int(m.group(1))
                break
            if time.monotonic() > deadline:
                break
        else:
            raise RuntimeError(f"{argv[0]} did not start")
        # Drain output so the server never blocks on a full pipe.
        self.drain = concurrent.futures.ThreadPoolExecutor(1)
        self.drain.submit(lambda: [None for _ in self.proc.stdout])

    @property
    def peak_rss_mib(self):
        return proc_status_mib(self.proc.pid, "VmHWM")

    def cpu_seconds(self):
        """User + system CPU the server process has used so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        terminate(self.proc)
        self.drain.shutdown(wait=False)


def start_tessera(binary, out, tag, extra_args=(), env=None):
    """A fresh `tessera serve` with its data directory in `out`; `extra_args` are added to its command line
    (e.g. `--blobs s3://…`), `env` replaces its environment when given."""
    data = os.path.join(out, f"data-{tag}")
    shutil.rmtree(data, ignore_errors=True)
    creds = os.path.join(out, "creds")
    with open(creds, "w") as f:
        f.write(f"{KEY} {SECRET} {ACCOUNT}\n")
    return Server([binary, "serve", "--port", "0", "--data-dir", data, "--credentials", creds, "--log-level", "warning",
                   *extra_args], r"listening on http://127\.0\.0\.1:(\d+)", env=env)




def start_moto():
    return Server(["moto_server", "-p", "0"], r"Running on http://127\.0\.0\.1:(\d+)")


def signed_headers(port, service, method, path, headers):
    """Headers that sign a request to the local server as botocore would (for curl to send)."""
    request = botocore.awsrequest.AWSRequest(method=method, url=f"http://127.0.0.1:{port}{path}", headers=headers)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(KEY, SECRET), service, "us-east-1").add_auth(request)
    return dict(request.headers.items())


def print_table(header, rows):
    """Prints a Markdown table: the header cells, then one line a row."""
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def block_tokens(ebs, snap, count, page_size=10000):
    """Every block's token, by index, from ListSnapshotBlocks in pages of `page_size`; checks there are `count`.
    Returns (tokens, pages read)."""
    tokens, kwargs, pages = {}, {"SnapshotId": snap, "MaxResults": page_size}, 0
    while True:
        page = ebs.list_snapshot_blocks(**kwargs)
        pages += 1
        tokens.update({b["BlockIndex"]: b["BlockToken"] for b in page["Blocks"]})
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    assert len(tokens) == count, (len(tokens), count)
    return tokens, pages

