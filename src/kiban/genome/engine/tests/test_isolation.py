"""The engine is plain Python: importing it (and the simulator) loads no Django."""

import subprocess
import sys


def test_engine_imports_no_django():
    code = (
        "import sys, kiban.genome.engine, kiban.genome.engine.simulate\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(loaded))\n"
        "assert 'django' not in sys.modules, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
