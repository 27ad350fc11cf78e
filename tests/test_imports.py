"""Every module of the project imports on its own after django.setup(), whatever was imported before it."""

import os
import subprocess
import sys
from pathlib import Path

import kiban

SOURCE = Path(kiban.__file__).parent

# Run in a fresh interpreter: django.setup() once, then each module imported in a child forked from that
# state, so a module that imports only when another was imported first (an import cycle) fails by name.
# The Spark engine is included: it imports pyspark only when a job runs.
IMPORT_EACH = """
import os, sys, traceback
import django
django.setup()
failed = []
for name in sys.argv[1:]:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        try:
            __import__(name)
        except BaseException:
            os.write(write, traceback.format_exc(limit=-3).encode())
            os._exit(1)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        error = pipe.read().decode()
    _, status = os.waitpid(child, 0)
    if status:
        failed.append(name + ": " + (error.strip().splitlines() or ["exit status " + str(status)])[-1])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def project_modules() -> list[str]:
    names = []
    for path in SOURCE.rglob("*.py"):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def test_the_module_list_covers_apps_migrations_and_tests():
    modules = project_modules()
    assert "kiban.api" in modules
    assert "kiban.seeds.api" in modules
    assert "kiban.seeds.migrations.0001_initial" in modules
    assert "kiban.genome.engine.spark" in modules
    assert "kiban.seeds.tests.test_api" in modules


def test_every_module_imports_on_its_own():
    # Given a fresh interpreter with Django set up; when each module is imported, in alphabetical order
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kiban.settings", "PYTHONPATH": str(SOURCE.parent)}
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, *project_modules()],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # Then none fails; a failure names the module and its error
    assert result.returncode == 0, "Modules that do not import:\n" + result.stdout + result.stderr[-2000:]
