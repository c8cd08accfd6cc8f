"""The sandbox's record of its services process (issue 19 item 13): ``--stop`` signals only the
process it started, a dead record counts as stopped, and a command that is not found is one
line. None of this needs the engine: the record and the command are checked first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine import sandbox
from tests.engine.process import command_line, identity

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "program"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    return folder


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """A process that is not the sandbox's (what a reused PID belongs to)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def record(program: Path, pid: int, who: str | None) -> Path:
    state = sandbox.state_dir(program)
    state.mkdir(parents=True)
    services = {"pid": pid, "moto_url": "http://127.0.0.1:1", "https_proxy": "", "ca_bundle": ""}
    if who is not None:
        services["identity"] = who
    (state / "services.json").write_text(json.dumps(services))
    return state


def test_stop_leaves_alone_a_process_that_now_has_the_recorded_pid(
    program: Path, bystander: subprocess.Popen[bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    # What the sandbox recorded at launch, for a process long gone; the PID is reused.
    state = record(program, bystander.pid, "another-boot:12345:0123456789abcdef")
    assert sandbox.main(["--stop", str(program)]) == 0
    time.sleep(0.2)
    assert bystander.poll() is None  # not signalled
    assert not state.exists()
    err = capsys.readouterr().err
    assert f"process {bystander.pid} is no longer the sandbox's" in err
    assert "nothing to stop" in err


def test_stop_leaves_alone_a_process_recorded_without_an_identity(
    program: Path, bystander: subprocess.Popen[bytes]
) -> None:
    record(program, bystander.pid, None)  # a record written before identities were kept
    assert sandbox.main(["--stop", str(program)]) == 0
    time.sleep(0.2)
    assert bystander.poll() is None


def test_stop_signals_its_services_recorded_before_identities_were_kept(program: Path) -> None:
    state = sandbox.state_dir(program)
    serving = ["-m", "tests.engine.sandbox", "--serve", str(state)]  # what _start runs
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *serving])
    try:
        # Until the child has exec'd, /proc shows the parent's command line (seen under load).
        for _ in range(200):
            if (command_line(proc.pid) or [])[-4:] == serving:
                break
            time.sleep(0.05)
        record(program, proc.pid, None)
        assert sandbox.main(["--stop", str(program)]) == 0
        assert proc.wait(timeout=10) == -15
    finally:
        proc.kill()
        proc.wait()


def test_stop_treats_a_dead_record_as_stopped(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    state = record(program, gone.pid, "boot:1:0")
    assert sandbox.main(["--stop", str(program)]) == 0
    assert not state.exists()
    assert "Traceback" not in capsys.readouterr().err


def test_stop_signals_the_process_it_recorded(
    program: Path, bystander: subprocess.Popen[bytes]
) -> None:
    who = identity(bystander.pid)
    assert who is not None
    record(program, bystander.pid, who)
    assert sandbox.main(["--stop", str(program)]) == 0
    assert bystander.wait(timeout=10) == -15  # SIGTERM


def test_a_record_of_another_process_is_not_taken_for_running_services(
    program: Path, bystander: subprocess.Popen[bytes]
) -> None:
    state = record(program, bystander.pid, "another-boot:12345:0123456789abcdef")
    assert sandbox._running(state) is None
    assert not (state / "services.json").exists()  # forgotten, so the next run starts afresh


def test_the_identity_of_a_pid_changes_with_the_process_holding_it(
    bystander: subprocess.Popen[bytes],
) -> None:
    first = identity(bystander.pid)
    assert first is not None and identity(bystander.pid) == first
    bystander.kill()
    bystander.wait()
    assert identity(bystander.pid) is None


@pytest.mark.parametrize(
    ("command", "says", "code"),
    [
        (["no-such-command-here", "x"], "no-such-command-here: command not found", 127),
        (["./missing.sh"], "./missing.sh: no such file", 127),
    ],
    ids=["on PATH", "a path"],
)
def test_a_command_that_is_not_found_is_one_line_and_a_nonzero_exit(
    program: Path, command: list[str], says: str, code: int
) -> None:
    done = subprocess.run(
        [str(REPO / "tests" / "engine" / "sandbox"), str(program), "--", *command],
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "TELEPORT_OIDC_PYTHON": sys.executable,
            "XDG_CACHE_HOME": str(program.parent / "cache"),
            # Were the command not refused first, this fails at once instead of building.
            "TELEPORT_OIDC_PULUMI": "/nonexistent/pulumi",
        },
    )
    assert done.returncode == code
    assert done.stderr.startswith(f"[sandbox] {says}")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert not sandbox.state_dir(program).exists()  # refused before anything started
