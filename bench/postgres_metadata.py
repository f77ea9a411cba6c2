#!/usr/bin/env python3
"""Metadata backends: Tessera with its metadata in SQLite (the default, `metadata.sqlite` in the data
directory) against Tessera with its metadata in PostgreSQL (`--metadata postgres://…`), both with local
blobs, in one run, on metadata-heavy workloads through boto3 (16 threads):

- EBS: StartSnapshot, PutSnapshotBlock of N random 512 KiB blocks, CompleteSnapshot, ListSnapshotBlocks
  (every page), GetSnapshotBlock of every block.
- Glacier small archives: UploadArchive of N 4 KiB bodies, ListVaults + DescribeVault, DeleteArchive of each.
- Control plane: N CreateVault, N DescribeVault, N DeleteVault.

The script starts its own PostgreSQL (initdb in a temp dir, as .ci/run does: trust auth, user tessera,
127.0.0.1 on a free port, the socket in the temp dir, max_connections=500, every other setting initdb's
default, so fsync and synchronous_commit are on) and stops it by its postmaster PID at the end. Beside every
rate: Tessera's CPU per request from /proc, and PostgreSQL's (the postmaster and every process whose PPid is
the postmaster, read before and after; a backend that exits during a workload is lost from the sum).

    python3 bench/postgres_metadata.py --bin /tmp/tessera-bench-release [--blocks 2000] [--archives 2000] [--vaults 1000]

Prints one Markdown table a workload. Servers listen on 127.0.0.1 only and are stopped at the end.
"""
import argparse, base64, concurrent.futures, glob, hashlib, os, resource, shutil, signal, socket, subprocess, sys, tempfile, time, uuid

import boto3
from botocore.config import Config

from benchlib import KEY, SECRET, block_tokens, start_tessera, print_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = 524288
THREADS = 16
TICK = os.sysconf("SC_CLK_TCK")


def client(service, port):
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS * 2))


def parallel(fn, items):
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(fn, items))


def proc_cpu(pid):
    """utime + stime of one process in seconds, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def ppid(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


class Postgres:
    """A throwaway PostgreSQL 15 cluster in a temp dir, owned by the postgres user when run as root."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        self.bin = bins[-1] if bins else os.path.dirname(shutil.which("initdb"))
        self.root = tempfile.mkdtemp(prefix="tessera-bench-postgres.")
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        data = os.path.join(self.root, "data")
        subprocess.run([*self.as_owner, f"{self.bin}/initdb", "-D", data, "-U", "tessera", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True)
        subprocess.run([*self.as_owner, f"{self.bin}/pg_ctl", "-D", data, "-l", os.path.join(self.root, "postgres.log"),
                        "-w", "-t", "60", "-o",
                        f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c max_connections=500", "start"],
                       check=True, capture_output=True)
        with open(os.path.join(data, "postmaster.pid")) as f:
            self.pid = int(f.readline())
        self.settings = {name: self.show(name) for name in
                         ("server_version", "shared_buffers", "fsync", "synchronous_commit", "wal_level", "max_wal_size",
                          "checkpoint_timeout", "work_mem")}

    def show(self, name):
        return subprocess.run([f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "tessera", "-d", "postgres",
                               "-Atc", f"SHOW {name}"], check=True, capture_output=True, text=True).stdout.strip()

    def url(self, schema):
        return f"postgres://tessera@127.0.0.1:{self.port}/postgres?sslmode=disable&search_path={schema}"

    def cpu_by_pid(self):
        """CPU seconds of the postmaster and each of its children, by PID."""
        pids = [self.pid] + [int(p) for p in os.listdir("/proc") if p.isdigit() and ppid(int(p)) == self.pid]
        return {pid: cpu for pid in pids if (cpu := proc_cpu(pid)) is not None}

    @staticmethod
    def is_backend(pid):
        """A client connection's backend ("postgres: tessera postgres 127.0.0.1(…) …"), not walwriter etc."""
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return f.read().startswith(b"postgres: tessera ")
        except (FileNotFoundError, ProcessLookupError):
            return False

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGINT)  # fast shutdown
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and os.path.exists(f"/proc/{self.pid}"):
            time.sleep(0.1)
        if os.path.exists(f"/proc/{self.pid}"):
            os.kill(self.pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)


class Meter:
    """Wall time and the CPU Tessera and PostgreSQL used while the block ran."""

    def __init__(self, server, postgres):
        self.server, self.postgres = server, postgres

    def __enter__(self):
        self.client_before = client_cpu()
        self.machine_before = machine_busy()
        self.pg_before = self.postgres.cpu_by_pid() if self.postgres else {}
        self.cpu_before = self.server.cpu_seconds()
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.start
        self.tessera = self.server.cpu_seconds() - self.cpu_before
        self.client = client_cpu() - self.client_before
        machine = machine_busy() - self.machine_before
        if self.postgres:
            after = self.postgres.cpu_by_pid()
            used = {pid: cpu - self.pg_before.get(pid, 0.0) for pid, cpu in after.items()}
            self.pg = sum(used.values())
            self.pg_backends = sum(cpu for pid, cpu in used.items() if Postgres.is_backend(pid))
            self.pg_procs = sum(1 for pid in after if Postgres.is_backend(pid))
        else:
            self.pg = None
        # CPU every other process on the (shared) machine used meanwhile, in cores.
        self.others = max(0.0, machine - self.tessera - (self.pg or 0) - self.client) / self.seconds


def machine_busy():
    """Non-idle CPU seconds of the whole machine so far (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


def client_cpu():
    """CPU the boto3 client (this process) has used so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def checksum(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def ebs_workload(server, postgres, blocks):
    ebs = client("ebs", server.port)
    sums = [checksum(b) for b in blocks]
    results = {}
    with Meter(server, postgres) as put:
        snap = ebs.start_snapshot(VolumeSize=max(1, (len(blocks) + 2047) // 2048))["SnapshotId"]
        parallel(lambda i: ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=i, BlockData=blocks[i], DataLength=BLOCK,
                                                  Checksum=sums[i], ChecksumAlgorithm="SHA256"), range(len(blocks)))
        assert ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=len(blocks))["Status"] == "completed"
    results["Start + PutSnapshotBlock + Complete"] = (put, len(blocks))
    with Meter(server, postgres) as listing:
        tokens, pages = block_tokens(ebs, snap, len(blocks), page_size=100)
    results[f"ListSnapshotBlocks ({pages} pages of 100)"] = (listing, len(blocks))

    def get(item):
        index, token = item
        data = ebs.get_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockToken=token)["BlockData"].read()
        assert data == blocks[index]

    with Meter(server, postgres) as got:
        parallel(get, tokens.items())
    results["GetSnapshotBlock"] = (got, len(blocks))
    return results


def glacier_workload(server, postgres, count):
    glacier = client("glacier", server.port)
    vault = "bench-small"
    glacier.create_vault(accountId="-", vaultName=vault)
    bodies = [os.urandom(4096) for _ in range(count)]
    results = {}
    with Meter(server, postgres) as up:
        ids = parallel(lambda body: glacier.upload_archive(accountId="-", vaultName=vault, body=body)["archiveId"], bodies)
    results["UploadArchive 4 KiB"] = (up, count)
    with Meter(server, postgres) as describe:
        names = [v["VaultName"] for v in glacier.list_vaults(accountId="-")["VaultList"]]
        assert vault in names
        glacier.describe_vault(accountId="-", vaultName=vault)
    results["ListVaults + DescribeVault (2 requests)"] = (describe, 2)
    with Meter(server, postgres) as delete:
        parallel(lambda archive: glacier.delete_archive(accountId="-", vaultName=vault, archiveId=archive), ids)
    results["DeleteArchive"] = (delete, count)
    # Out of the way of the control-plane workload: an account may hold 1,000 vaults.
    glacier.delete_vault(accountId="-", vaultName=vault)
    return results


def control_workload(server, postgres, count):
    glacier = client("glacier", server.port)
    names = [f"ctl-{i:05d}" for i in range(count)]
    results = {}
    for label, call in (("CreateVault", glacier.create_vault), ("DescribeVault", glacier.describe_vault),
                        ("DeleteVault", glacier.delete_vault)):
        with Meter(server, postgres) as m:
            parallel(lambda name: call(accountId="-", vaultName=name), names)
        results[label] = (m, count)
    return results


def run_backend(args, tag, postgres, blocks):
    extra = ("--metadata", postgres.url(f"bench_{uuid.uuid4().hex[:8]}")) if postgres else ()
    server = start_tessera(args.bin, args.out, tag, extra)
    try:
        results = {}
        results["ebs"] = ebs_workload(server, postgres, blocks)
        results["glacier"] = glacier_workload(server, postgres, args.archives)
        results["control"] = control_workload(server, postgres, args.vaults)
        results["rss"] = server.peak_rss_mib
    finally:
        server.stop()
        shutil.rmtree(os.path.join(args.out, f"data-{tag}"), ignore_errors=True)
    return results


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tessera"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/out/postgres"))
    parser.add_argument("--blocks", type=int, default=2000)
    parser.add_argument("--archives", type=int, default=2000)
    parser.add_argument("--vaults", type=int, default=1000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    blocks = [os.urandom(BLOCK) for _ in range(args.blocks)]
    print(f"start {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load average {loadavg()}")
    postgres = Postgres()
    try:
        print("PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in postgres.settings.items()))
        sqlite = run_backend(args, "sqlite", None, blocks)
        pg = run_backend(args, "postgres", postgres, blocks)
    finally:
        postgres.stop()
        shutil.rmtree(args.out, ignore_errors=True)
    print(f"end {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load average {loadavg()}; "
          f"Tessera peak RSS: SQLite {sqlite['rss']:.0f} MiB, PostgreSQL {pg['rss']:.0f} MiB\n")
    titles = {"ebs": f"EBS, {args.blocks} × 512 KiB, boto3 × {THREADS}",
              "glacier": f"Glacier small archives, {args.archives} × 4 KiB, boto3 × {THREADS}",
              "control": f"Control plane, {args.vaults} vaults, boto3 × {THREADS}"}
    for workload, title in titles.items():
        rows = []
        for step, (s_meter, count) in sqlite[workload].items():
            p_meter, _ = pg[workload][step]
            for name, m in (("SQLite", s_meter), ("PostgreSQL", p_meter)):
                rows.append((step, name, f"{m.seconds:.2f} s", f"{count / m.seconds:,.0f}/s",
                             f"{m.tessera / count * 1000:.3f}",
                             "—" if m.pg is None else
                             f"{m.pg / count * 1000:.3f} ({m.pg_backends / count * 1000:.3f} in {m.pg_procs} backends)",
                             f"{m.client / count * 1000:.3f}",
                             f"{(m.tessera + (m.pg or 0) + m.client) / count * 1000:.3f}",
                             f"{m.others:.2f}",
                             f"PG ÷ SQLite time {p_meter.seconds / s_meter.seconds:.2f}×" if m is p_meter else ""))
        print_table((title, "metadata", "wall", "rate", "Tessera CPU ms/req", "PostgreSQL CPU ms/req", "client CPU ms/req", "sum ms/req", "other processes (cores)", "note"), rows)
        print()


if __name__ == "__main__":
    sys.exit(main())
