"""The engine is plain Python: importing every one of its modules, in a fresh interpreter, loads no Django."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import kiban.genome.engine as engine_package

# Optional dependencies an engine module may need, and why a machine may lack them. A module that fails to
# import for any other reason fails the test.
OPTIONAL_DEPENDENCIES = {"pyspark": "the Spark engine's extra, pip install 'kiban[spark]'"}

# Imports each module in turn, then reports what it imported, what it could not for want of an optional
# dependency, and every Django module that got loaded on the way.
SCRIPT = """
import importlib, json, sys
optional = set(json.loads(sys.argv[1]))
imported, missing = [], {}
for name in json.loads(sys.argv[2]):
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        root = (error.name or "").split(".")[0]
        if root not in optional:
            raise
        missing[name] = root
    else:
        imported.append(name)
django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print(json.dumps({"imported": imported, "missing": missing, "django": django}))
"""


def engine_modules() -> list[str]:
    """Every module of the engine package but its tests, found on disk without importing them."""
    path = [str(Path(engine_package.__file__).parent)]
    names = [
        module.name
        for module in pkgutil.walk_packages(path, prefix="kiban.genome.engine.")
        if not module.name.startswith("kiban.genome.engine.tests")
    ]
    return ["kiban.genome.engine", *sorted(names)]


def test_every_engine_module_imports_without_django():
    # given every module of the engine (the simulator, the readers, the query layer, the Spark engine …)
    modules = engine_modules()
    assert {"kiban.genome.engine.query", "kiban.genome.engine.ingestion", "kiban.genome.engine.spark"} <= set(
        modules
    )

    # when a fresh interpreter imports each of them
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(sorted(OPTIONAL_DEPENDENCIES)), json.dumps(modules)],
        capture_output=True,
        text=True,
        check=False,
    )

    # then every one imports (or lacks only an optional dependency) and Django was never loaded
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["django"] == [], f"importing the engine loaded {', '.join(report['django'])}"
    assert sorted(report["imported"] + list(report["missing"])) == sorted(modules)
    if report["missing"]:
        pytest.skip(
            "; ".join(
                f"{module} was not imported: it needs {dependency} ({OPTIONAL_DEPENDENCIES[dependency]})"
                for module, dependency in report["missing"].items()
            )
        )


def test_the_isolation_check_sees_a_module_that_loads_django(tmp_path):
    # given a module like the engine's that imports Django
    (tmp_path / "leaky.py").write_text("import django.conf\n")

    # when the same script imports it
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "[]", json.dumps(["leaky"])],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tmp_path)},
    )

    # then it reports Django as loaded
    assert "django.conf" in json.loads(result.stdout)["django"]
