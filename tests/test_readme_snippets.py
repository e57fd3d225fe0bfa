"""The README's Python blocks, run as written: each in a fresh virtual environment holding only what the README says
to install for it, against an emulator started as `make run` starts it (on another port). The sign-in example runs
twice (a second run must work too)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import venv

import boto3
import pytest

from tests.conftest import ROOT

PYPI_NOTE = re.compile(r"`pip install ([^`]+)`")
# Every ```python block in the README is marked with one of these, and run by the test named.
RUN_BY = {"otp-example": "test_the_otp_example_runs_as_written",
          "boto3-client": "test_the_boto3_and_pycognito_blocks_run_as_written",
          "pycognito-example": "test_the_boto3_and_pycognito_blocks_run_as_written",
          "plugin-example": "tests/test_pytest_plugin.py",
          "native-example": "test_the_native_example_runs_as_written"}


def readme() -> str:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        return handle.read()


def block(marker: str) -> str:
    return readme().split(f"<!-- {marker} -->\n```python\n", 1)[1].split("\n```", 1)[0]


def packages_for(marker: str) -> list[str]:
    """What the README says to install for a block: the last `pip install ...` before its marker."""
    preamble = readme().split(f"<!-- {marker} -->", 1)[0][-400:]
    return shlex.split(PYPI_NOTE.findall(preamble)[-1])


def pip_install(python: str, packages: list[str]) -> None:
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", *packages], capture_output=True, text=True,
                             timeout=600)
    assert install.returncode == 0, install.stderr


def fresh_python(tmp_path, packages: list[str]) -> str:
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = str(environment / "bin" / "python")
    pip_install(python, packages)
    return python


def run_script(python: str, tmp_path, source: str, url: str) -> str:
    """Run a block as written, but for the port: another emulator (a developer's `make run`) may hold 9229."""
    script = tmp_path / "example.py"
    script.write_text(source.replace("http://127.0.0.1:9229", url))
    run = subprocess.run([python, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_every_python_block_is_marked_and_run():
    text = readme()
    markers = re.findall(r"(?:<!-- ([\w-]+) -->\n)?```python\n", text)
    assert len(markers) == text.count("```python") >= 4
    assert [marker for marker in markers if marker not in RUN_BY] == []


def test_the_otp_example_runs_as_written(tmp_path, spawn):
    python = fresh_python(tmp_path, packages_for("otp-example"))
    emulator = spawn("--data", str(tmp_path / "data")).wait_ready()
    for _ in range(2):
        assert run_script(python, tmp_path, block("otp-example"), emulator.url).startswith("signed in: +9198")


def test_the_native_example_runs_as_written(tmp_path, spawn):
    assert packages_for("native-example") == ["boto3", "requests"]
    python = fresh_python(tmp_path, packages_for("native-example"))
    emulator = spawn("--data", str(tmp_path / "data")).wait_ready()
    output = run_script(python, tmp_path, block("native-example"), emulator.url)
    assert output == "signed up and in with 1 SMS\nsigned in again: True\n"


def test_the_boto3_and_pycognito_blocks_run_as_written(tmp_path, spawn):
    assert packages_for("boto3-client") == ["boto3"]
    python = fresh_python(tmp_path, ["boto3"])
    emulator = spawn("--data", str(tmp_path / "data")).wait_ready()
    client = block("boto3-client")
    listed = run_script(python, tmp_path, client + "\nprint(cognito.list_user_pools(MaxResults=10)['UserPools'])",
                        emulator.url)
    assert "us-east-1_otpDemo01" in listed

    # The pycognito block's user: confirmed, with the password it names.
    cognito = boto3.client("cognito-idp", endpoint_url=emulator.url, region_name="us-east-1",
                         aws_access_key_id="x", aws_secret_access_key="x")
    example = block("pycognito-example")
    username = re.search(r'username="([^"]+)"', example).group(1)
    password = re.search(r'password="([^"]+)"', example).group(1)
    cognito.sign_up(ClientId="otpdemowebclient0000000001", Username=username, Password=password)
    cognito.admin_confirm_sign_up(UserPoolId="us-east-1_otpDemo01", Username=username)
    pip_install(python, packages_for("pycognito-example"))
    assert run_script(python, tmp_path, client + "\n" + example, emulator.url).strip() == "3600"


def test_the_aws_cli_block_runs_as_written(tmp_path, spawn):
    """In a shell with no AWS settings of its own (CLI v1, which `make test` installs, reads only AWS_DEFAULT_REGION)."""
    aws_dir = os.path.dirname(sys.executable)
    if not os.path.exists(os.path.join(aws_dir, "aws")):
        pytest.skip("the AWS CLI is installed by the test extra")
    text = readme()
    block = text.split("<!-- aws-cli -->\n```sh\n", 1)[1].split("\n```", 1)[0]
    emulator = spawn("--data", ":memory:").wait_ready()
    script = tmp_path / "cli.sh"
    script.write_text("set -e\n" + block.replace("http://127.0.0.1:9229", emulator.url))
    env = {"PATH": f"{aws_dir}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    run = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    assert "us-east-1_otpDemo01" in run.stdout
