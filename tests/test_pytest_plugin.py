"""The pytest plugin as users get it: the README's example test, run in a fresh project that installs this
package from a wheel into a virtual environment of its own."""

import os
import re
import subprocess
import sys
import venv

import pytest

from tests.conftest import ROOT


def readme_example() -> str:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    return re.search(r"<!-- plugin-example -->\n```python\n(.*?)```", readme, re.S).group(1)


@pytest.fixture(scope="module")
def fresh_project(tmp_path_factory):
    """A project directory with the README's test and a virtual environment with this package installed."""
    base = tmp_path_factory.mktemp("user-project")
    dist = base / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), ROOT],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    [wheel] = list(dist.glob("*.whl"))
    environment = base / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = str(environment / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", str(wheel), "pytest", "pytest-xdist"],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr
    project = base / "project"
    project.mkdir()
    (project / "test_phone_sign_in.py").write_text(readme_example())
    return project, python


def run_pytest(project, python, *args):
    clean_env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "AWS_"))}
    return subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=project,
                          capture_output=True, text=True, timeout=300, env=clean_env)


def test_the_readme_example_passes_in_a_fresh_project(fresh_project):
    project, python = fresh_project
    where = subprocess.run([python, "-c", "import emulator, emulator.triggers, emulator.scenarios; print(emulator.__file__)"],
                           cwd=project, capture_output=True, text=True, timeout=60)
    assert "site-packages" in where.stdout, where.stderr  # the installed wheel, not this checkout
    result = run_pytest(project, python)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_the_example_under_xdist(fresh_project):
    project, python = fresh_project
    result = run_pytest(project, python, "-n", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_direct_clients_answer_as_the_server_does(emulator):
    """The plugin's cognito_idp client skips the socket; what it gets back must not change."""
    over_http, direct = emulator.client(), emulator.client(direct=True)
    for client, phone in ((over_http, "+919840000001"), (direct, "+919840000002")):
        response = client.sign_up(ClientId="otpdemowebclient0000000001", Username=phone, Password="Generated-Passw0rd!")
        assert response["CodeDeliveryDetails"]["DeliveryMedium"] == "SMS"
        with pytest.raises(client.exceptions.UsernameExistsException, match="already exists"):
            client.sign_up(ClientId="otpdemowebclient0000000001", Username=phone, Password="Generated-Passw0rd!")
        with pytest.raises(client.exceptions.InvalidParameterException, match="1 validation error detected"):
            client.describe_user_pool(UserPoolId="bad")
    assert len(direct.list_users(UserPoolId="us-east-1_otpDemo01")["Users"]) == 2
