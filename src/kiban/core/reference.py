"""Where reference material that is not the project's own lies, and how a test asks for it."""

import os
from pathlib import Path

# The official Beacon v2 schemas and the public hail test VCF lie beside a development checkout, in
# ../shared/reference; a plain clone has none of them, so nothing but tests and the optional demo dataset
# may need them.
REFERENCE_DIR = (Path(__file__).resolve().parents[3] / ".." / "shared" / "reference").resolve()


def reference_path(relative: str) -> Path:
    """The path of `relative` under REFERENCE_DIR, for a test. Without it the test is skipped, naming the
    missing path, unless KIBAN_REQUIRE_REFERENCE=1 (as CI sets), which fails it instead."""
    import pytest  # a test dependency; the demo imports this module for REFERENCE_DIR alone

    path = REFERENCE_DIR / relative
    if path.exists():
        return path
    message = f"reference material {path} is not there (a checkout of ../shared beside the repository)"
    if os.environ.get("KIBAN_REQUIRE_REFERENCE") == "1":
        pytest.fail(f"{message}; KIBAN_REQUIRE_REFERENCE=1 requires it")
    pytest.skip(message)
