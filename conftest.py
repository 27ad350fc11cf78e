"""Project-wide pytest set-up: tests run tasks immediately and keep uploaded files in a temporary folder."""

import os

import pytest

from kiban.core.testing import demo_fixture, isolated_settings

# Fixtures that give a test the database; a test with none of them is database-free.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_collection_modifyitems(config, items):
    """Keeps each module on one xdist worker; KIBAN_TEST_DATABASE_ONLY=1 leaves out database-free tests.

    Grouping by module (by package for the browser tests, which share one Chromium) builds module-scoped
    fixtures (demo data, a Spark session) once. CI runs the suite once per database; database-free tests (the
    genome engine's, the catalog's) answer the same on both, so the second run leaves them out.
    """
    database_only = os.environ.get("KIBAN_TEST_DATABASE_ONLY") == "1"
    kept, left_out = [], []
    for item in items:
        if database_only and not _uses_database(item):
            left_out.append(item)
            continue
        group = "browser" if "tests/browser/" in item.nodeid else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
        kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def _uses_database(item) -> bool:
    return (
        bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        or item.get_closest_marker("django_db") is not None
    )


def _serialized(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return marker is not None and marker.kwargs.get("serialized_rollback", False)


def _unblocked(config):
    from pytest_django.plugin import blocking_manager_key

    return config.stash[blocking_manager_key].unblock()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Empties the database before a serialized-rollback test (the migration tests), which Django fills again
    from the data it saved when it created the database. After a transactional test, post_migrate has made
    the content types anew under other ids, and restoring the saved ones would collide with them."""
    from django.db import connection

    if _serialized(item) and getattr(connection, "_test_serialized_contents", None) is not None:
        from django.core.management import call_command

        with _unblocked(item.config):
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a serialized-rollback test, puts the saved data back at once: Django restores it only when the
    next such test starts and flushes without post_migrate, so any other test after it would find no content
    types (while ContentType's cache still names the old ones) and no function catalogue."""
    result = yield
    if nextitem is not None and _serialized(item):
        from django.db import connection

        with _unblocked(item.config):
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    return result


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    for name, value in isolated_settings(tmp_path).items():
        setattr(settings, name, value)


# Loaded once for each module that uses it (see demo_fixture).
_base_demo = demo_fixture("programmes", "facilities")


@pytest.fixture
def demo_data(_base_demo, db):
    """The organisations, demo users, programmes and cryo-EM sites, through the loaders the apps register
    for `kiban demo`. Tests needing the seeds, certification or the genome panel use a `demo_fixture` of
    those as well: they take far longer."""
    _base_demo.ready()
