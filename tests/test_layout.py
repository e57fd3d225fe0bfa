"""The code's layers point down only, and every operation module is found without a list."""

from __future__ import annotations

import ast
import pathlib
import pkgutil
import sys

import emulator

PACKAGE = pathlib.Path(emulator.__file__).parent


def imported_modules(folder: str, package: pathlib.Path = PACKAGE) -> dict[str, set[str]]:
    """file → the emulator modules it imports, read from the source (imports inside functions too)."""
    found = {}
    for path in sorted((package / folder).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(package.parent))] = {name for name in names if name.startswith("emulator")}
    return found


def offenders(folder: str, forbidden: str, package: pathlib.Path = PACKAGE) -> list[str]:
    return [f"{path} imports {name}" for path, names in imported_modules(folder, package).items()
            for name in sorted(names)
            if name == forbidden or name.startswith(forbidden + ".")]


def test_services_and_protocol_do_not_import_operations():
    assert offenders("services", "emulator.operations") == []
    assert offenders("protocol", "emulator.operations") == []


def test_services_do_not_import_protocol():
    assert offenders("services", "emulator.protocol") == []


def test_the_layer_check_sees_an_import_that_points_up(tmp_path):
    # The checks above would pass vacuously if the reader missed imports: show it catches one inside a function.
    (tmp_path / "emulator" / "services").mkdir(parents=True)
    (tmp_path / "emulator" / "services" / "probe.py").write_text(
        "def probe():\n    from emulator.operations.users import find_user\n")
    assert offenders("services", "emulator.operations", tmp_path / "emulator") == [
        "emulator/services/probe.py imports emulator.operations.users",
        "emulator/services/probe.py imports emulator.operations.users.find_user",
    ]


def test_every_operation_module_is_imported_with_the_package():
    import emulator.operations

    modules = [info.name for info in pkgutil.walk_packages(emulator.operations.__path__, "emulator.operations.")]
    assert "emulator.operations.auth.entry_points" in modules
    assert [name for name in modules if name not in sys.modules] == []
