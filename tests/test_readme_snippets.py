"""The README's sign-in example, run as written: in a fresh virtual environment holding only what the README says
to install, against an emulator started as `make run` starts it (on another port), twice (a second run must work too)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import venv

from tests.conftest import ROOT

PYPI_NOTE = re.compile(r"this needs `pip install ([^`]+)`")


def readme() -> str:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        return handle.read()


def test_the_otp_example_runs_as_written(tmp_path, spawn):
    text = readme()
    example = text.split("<!-- otp-example -->\n```python\n", 1)[1].split("\n```", 1)[0]
    preamble = text.split("<!-- otp-example -->", 1)[0][-300:]
    packages = shlex.split(PYPI_NOTE.search(preamble).group(1))
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = str(environment / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", *packages], capture_output=True, text=True,
                             timeout=600)
    assert install.returncode == 0, install.stderr
    # As written, but for the port: another emulator (a developer's `make run`) may hold 9229.
    emulator = spawn("--data", str(tmp_path / "data")).wait_ready()
    script = tmp_path / "example.py"
    script.write_text(example.replace("http://127.0.0.1:9229", emulator.url))
    for _ in range(2):
        run = subprocess.run([python, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                             env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("signed in: +9198")
