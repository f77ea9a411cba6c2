"""The systemd unit in contrib/systemd and scripts/install.sh; these need no server.

The unit is checked with `systemd-analyze verify`, which must print nothing at all (it reports unknown keys
and bad values as warnings and still exits 0), and with `systemd-analyze security`, whose exposure score
must stay low. Its ExecStart names /usr/local/bin/tessera, which verify insists exists, so the checks run on
a copy whose ExecStart points at an executable made for the test; nothing else in the copy changes.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNIT = REPO / "contrib" / "systemd" / "tessera.service"
UNIT_README = REPO / "contrib" / "systemd" / "README.md"
SERVE_COMMAND = REPO / "Sources" / "TesseraCLI" / "ServeCommand.swift"
INSTALL = REPO / "scripts" / "install.sh"
INSTALLED_PATH = "/usr/local/bin/tessera"
# `systemd-analyze security` scores exposure from 0 (locked down) to 10; --threshold takes tenths.
MAX_EXPOSURE_TENTHS = 15
TIMEOUT = 30
BASH = shutil.which("bash") or "/bin/bash"


def systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    if path is None:
        pytest.skip("systemd-analyze is not installed (Debian/Ubuntu: apt-get install systemd)")
    return path


def make_executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o755)
    return path


def unit_copy(tmp_path: Path, text: str | None = None) -> Path:
    """A copy of the unit in its own directory, ExecStart pointing at an executable that exists."""
    text = UNIT.read_text() if text is None else text
    assert f"ExecStart={INSTALLED_PATH} " in text, "the unit's ExecStart no longer names " + INSTALLED_PATH
    stub = make_executable(tmp_path / "tessera", "#!/bin/sh\nexit 0\n")
    directory = tmp_path / "units"
    directory.mkdir()
    copy = directory / "tessera.service"
    copy.write_text(text.replace(f"ExecStart={INSTALLED_PATH} ", f"ExecStart={stub} "))
    return copy


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, **kwargs)


def exec_start() -> list[str]:
    lines = [line for line in UNIT.read_text().splitlines() if line.startswith("ExecStart=")]
    assert len(lines) == 1, lines
    return shlex.split(lines[0].removeprefix("ExecStart="))


def serve_flags_in_source() -> set[str]:
    """`--kebab-case` names of ServeCommand's options, from the Swift source."""
    source = SERVE_COMMAND.read_text()
    # The attribute's arguments may hold quoted help text with parentheses in it.
    names = re.findall(r'@Option\((?:[^"()]|"(?:[^"\\]|\\.)*")*\)\s*var\s+(\w+)', source)
    assert names, f"no @Option found in {SERVE_COMMAND}"
    return {"--" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower() for name in names}


# -- the unit -------------------------------------------------------------------------------------------------

def test_unit_passes_systemd_analyze_verify_without_a_warning(tmp_path):
    analyze = systemd_analyze()
    result = run([analyze, "verify", str(unit_copy(tmp_path))])
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and output == "", (
        f"systemd-analyze verify exited {result.returncode} and printed:\n{output}")


def test_verify_reports_what_is_wrong_so_the_check_above_means_something(tmp_path):
    analyze = systemd_analyze()
    broken = UNIT.read_text().replace("ProtectSystem=strict", "ProtectSystm=strict")
    result = run([analyze, "verify", str(unit_copy(tmp_path, broken))])
    assert "ProtectSystm" in result.stdout + result.stderr


def test_unit_exposure_stays_low_in_systemd_analyze_security(tmp_path):
    analyze = systemd_analyze()
    copy = unit_copy(tmp_path)
    result = run([analyze, "security", "--offline=yes", f"--threshold={MAX_EXPOSURE_TENTHS}", "--no-pager",
                  str(copy)])
    output = result.stdout + result.stderr
    if "offline" in output and ("unrecognized" in output or "unknown" in output.lower()):
        pytest.skip(f"this systemd-analyze cannot score a unit file offline: {output.strip()[:200]}")
    overall = [line for line in output.splitlines() if "Overall exposure" in line]
    assert result.returncode == 0, (
        f"exposure above {MAX_EXPOSURE_TENTHS / 10}: {overall or output[-2000:]}")


def test_unit_runs_tessera_serve_on_its_state_directory():
    command = exec_start()
    assert command[:2] == [INSTALLED_PATH, "serve"]
    assert command[command.index("--data-dir") + 1] == "%S/tessera"
    assert "StateDirectory=tessera" in UNIT.read_text().splitlines()


def test_unit_and_its_readme_use_only_flags_tessera_serve_has():
    known = serve_flags_in_source()
    in_unit = {word for word in exec_start() if word.startswith("--")}
    assert in_unit <= known, f"ExecStart uses flags tessera serve does not have: {in_unit - known}"
    in_readme = set(re.findall(r"--[a-z][a-z-]*", "\n".join(
        line for line in UNIT_README.read_text().splitlines() if "TESSERA_OPTS" in line)))
    assert in_readme, "contrib/systemd/README.md shows no TESSERA_OPTS example"
    assert in_readme <= known, f"README's TESSERA_OPTS uses flags tessera serve does not have: {in_readme - known}"


def test_unit_flags_appear_in_the_built_binarys_help():
    binary = Path(os.environ.get("TESSERA_BIN") or REPO / ".build" / "debug" / "tessera")
    if not binary.exists():
        binary = REPO / ".build" / "release" / "tessera"
    if not binary.exists():
        pytest.skip("no built tessera (.build/debug or .build/release, or TESSERA_BIN) to ask for its help")
    result = run([str(binary), "serve", "--help"])
    assert result.returncode == 0, result.stderr
    for flag in (word for word in exec_start() if word.startswith("--")):
        assert flag in result.stdout, f"{flag} is not in `tessera serve --help`"


# -- scripts/install.sh ------------------------------------------------------------------------------------

def fake_tessera(tmp_path: Path) -> Path:
    return make_executable(tmp_path / "fake-tessera", "#!/bin/sh\necho 'tessera 0.0.0-test (commit none)'\n")


def install(*args: str, script: Path = INSTALL, env: dict | None = None, cwd: Path | None = None):
    return run([BASH, str(script), *args], env=env, cwd=cwd)


def assert_installed_executable(path: Path, like: Path):
    assert path.is_file(), f"nothing installed at {path}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert path.read_bytes() == like.read_bytes()


def test_install_help_exits_zero():
    result = install("--help")
    assert result.returncode == 0 and "--prefix" in result.stdout and "--no-build" in result.stdout


def test_install_puts_the_binary_in_prefix_bin(tmp_path):
    binary = fake_tessera(tmp_path)
    result = install("--binary", str(binary), "--prefix", str(tmp_path / "prefix"))
    assert result.returncode == 0, result.stderr
    assert_installed_executable(tmp_path / "prefix" / "bin" / "tessera", binary)
    assert "tessera 0.0.0-test" in result.stdout


def test_install_replaces_an_installed_binary(tmp_path):
    old = make_executable(tmp_path / "old", "#!/bin/sh\necho 'tessera old'\n")
    new = fake_tessera(tmp_path)
    assert install("--binary", str(old), "--prefix", str(tmp_path / "p")).returncode == 0
    result = install("--binary", str(new), "--prefix", str(tmp_path / "p"))
    assert result.returncode == 0, result.stderr
    assert_installed_executable(tmp_path / "p" / "bin" / "tessera", new)
    assert not (tmp_path / "p" / "bin" / "tessera.new").exists()


def test_install_honours_destdir(tmp_path):
    binary = fake_tessera(tmp_path)
    env = {**os.environ, "DESTDIR": str(tmp_path / "stage")}
    result = install("--binary", str(binary), "--prefix", "/opt/tessera", env=env)
    assert result.returncode == 0, result.stderr
    assert_installed_executable(tmp_path / "stage" / "opt" / "tessera" / "bin" / "tessera", binary)


def test_install_no_build_installs_the_release_build(tmp_path):
    built = REPO / ".build" / "release" / "tessera"
    if not built.exists():
        pytest.skip("no release build at .build/release/tessera (swift build -c release --product tessera)")
    result = install("--no-build", "--prefix", str(tmp_path / "prefix"))
    assert result.returncode == 0, result.stderr
    installed = tmp_path / "prefix" / "bin" / "tessera"
    assert_installed_executable(installed, built)
    version = run([str(installed), "version"])
    assert version.returncode == 0 and version.stdout.startswith("tessera "), version


def clone_of_the_script(tmp_path: Path) -> Path:
    """The script alone in an otherwise empty checkout: no .build."""
    script = tmp_path / "checkout" / "scripts" / "install.sh"
    script.parent.mkdir(parents=True)
    shutil.copy(INSTALL, script)
    return script


def test_install_no_build_without_a_build_fails_and_says_so(tmp_path):
    script = clone_of_the_script(tmp_path)
    result = install("--no-build", "--prefix", str(tmp_path / "prefix"), script=script)
    assert result.returncode != 0
    assert ".build/release/tessera" in result.stderr and "swift build -c release" in result.stderr
    assert not (tmp_path / "prefix").exists()


def test_install_without_swift_fails_and_says_so(tmp_path):
    script = clone_of_the_script(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dirname").symlink_to(shutil.which("dirname"))
    result = install("--prefix", str(tmp_path / "prefix"), script=script, env={"PATH": str(bin_dir)})
    assert result.returncode != 0
    assert "swift is not on PATH" in result.stderr
    assert not (tmp_path / "prefix").exists()


@pytest.mark.parametrize("problem", ["missing", "not executable"])
def test_install_refuses_a_binary_it_cannot_use(tmp_path, problem):
    binary = tmp_path / "tessera"
    if problem == "not executable":
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o644)
    result = install("--binary", str(binary), "--prefix", str(tmp_path / "prefix"))
    assert result.returncode != 0
    assert str(binary) in result.stderr
    assert not (tmp_path / "prefix").exists()


def test_install_rejects_an_unknown_argument():
    result = install("--frobnicate")
    assert result.returncode == 2 and "--frobnicate" in result.stderr
