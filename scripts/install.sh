#!/usr/bin/env bash
# Builds tessera in release mode and installs the binary to PREFIX/bin/tessera.
# Run ./scripts/install.sh --help for the options; docs/operating.md for what comes next.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/install.sh [--prefix DIR] [--no-build | --binary FILE]

Builds tessera (swift build -c release --product tessera) and installs it as PREFIX/bin/tessera.

  --prefix DIR    where to install; the binary goes to DIR/bin/tessera (default: /usr/local)
  --no-build      do not build: install the binary already built at .build/release/tessera
  --binary FILE   do not build: install FILE
  -h, --help      show this help

DESTDIR, when set, is put in front of the prefix (DESTDIR=/tmp/stage installs to /tmp/stage/usr/local/bin),
for packaging. The systemd unit is not installed by this script: see contrib/systemd/README.md.
EOF
}

die() {
    echo "install: $*" >&2
    exit 1
}

caller_dir=$PWD
# Makes a path given on the command line absolute, relative to where the script was started.
absolute() {
    case "$1" in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s\n' "$caller_dir/$1" ;;
    esac
}

prefix=/usr/local
build=yes
binary=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix)
            [ $# -ge 2 ] && [ -n "$2" ] || die "--prefix needs a directory (see --help)"
            prefix=$2
            shift 2
            ;;
        --prefix=*)
            prefix=${1#--prefix=}
            [ -n "$prefix" ] || die "--prefix needs a directory (see --help)"
            shift
            ;;
        --no-build)
            build=no
            shift
            ;;
        --binary)
            [ $# -ge 2 ] && [ -n "$2" ] || die "--binary needs a file (see --help)"
            binary=$(absolute "$2")
            build=no
            shift 2
            ;;
        --binary=*)
            binary=${1#--binary=}
            [ -n "$binary" ] || die "--binary needs a file (see --help)"
            binary=$(absolute "$binary")
            build=no
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "install: unknown argument '$1'" >&2
            usage >&2
            exit 2
            ;;
    esac
done
prefix=$(absolute "$prefix")

cd "$(dirname "$0")/.."
repo=$PWD

if [ "$build" = yes ]; then
    command -v swift >/dev/null 2>&1 ||
        die "swift is not on PATH: install Swift 6.3 (https://www.swift.org/install/linux/), or install a binary built elsewhere with --binary FILE (under sudo, build as yourself first, then: sudo $0 --no-build)"
    echo "install: building tessera (swift build -c release --product tessera) in $repo; the first build takes several minutes"
    swift build -c release --product tessera ||
        die "the release build failed (its errors are above); nothing was installed"
fi
if [ -z "$binary" ]; then
    binary=$repo/.build/release/tessera
    if [ ! -e "$binary" ]; then
        if [ "$build" = yes ]; then
            die "the build finished but left no binary at $binary"
        fi
        die "--no-build: there is no built binary at $binary; build it first (swift build -c release --product tessera) or run without --no-build"
    fi
fi
[ -e "$binary" ] || die "there is no file $binary"
[ -f "$binary" ] || die "$binary is not a file"
[ -x "$binary" ] || die "$binary is not executable"

# The binary must start here: one built for another machine, or whose Swift runtime libraries are missing,
# fails now rather than under systemd.
if ! version=$("$binary" version 2>&1); then
    die "$binary does not run on this machine: $version"
fi

destination=${DESTDIR:-}$prefix/bin
target=$destination/tessera
cannot_write="run as root for a system prefix (after building as yourself: sudo $0 --no-build), or choose another --prefix"
install -d -m 0755 "$destination" 2>/dev/null || die "cannot create $destination: $cannot_write"
# Install to a temporary name and rename it over the old binary, so that a running tessera is not
# overwritten in place (its old inode stays valid until it exits).
install -m 0755 "$binary" "$target.new" 2>/dev/null || die "cannot write $target.new: $cannot_write"
mv -f "$target.new" "$target"
echo "install: installed $version as $target"

# A binary linked to the Swift runtime in a home directory starts from a shell but not from the systemd
# unit, whose ProtectHome=yes hides /home, /root and /run/user.
if command -v ldd >/dev/null 2>&1; then
    libraries=$(ldd "$target" 2>/dev/null || true)
    if grep -q 'not found' <<<"$libraries"; then
        echo "install: warning: some libraries of $target are not found:" >&2
        grep 'not found' <<<"$libraries" >&2
    fi
    in_home=$(grep -E '=> (/home/|/root/|/run/user/)' <<<"$libraries" || true)
    if [ -n "$in_home" ]; then
        echo "install: warning: $target loads the Swift runtime from a home directory:" >&2
        head -n 3 <<<"$in_home" >&2
        echo "install: the systemd unit (ProtectHome=yes) cannot start it; see docs/operating.md#install" >&2
    fi
fi
if [ -z "${DESTDIR:-}" ] && [ "$prefix" != /usr/local ]; then
    echo "install: contrib/systemd/tessera.service runs /usr/local/bin/tessera; point its ExecStart= at $target"
fi
