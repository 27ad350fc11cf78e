"""Test helpers every app reuses: users by role, a permission matrix, a constant-query check for list and
detail pages, and reading pages the way a person reads them (visible text, table cells, downloads)."""

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.db import connection, connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from .choices import Role
from .models import Membership, Organisation, User

ANONYMOUS = "anonymous"
SIGNED_IN_WITHOUT_ROLE = "no_role"
ALL_ROLES = (ANONYMOUS, SIGNED_IN_WITHOUT_ROLE, *Role.values)
SIGNED_IN = tuple(r for r in ALL_ROLES if r != ANONYMOUS)


def isolated_settings(tmp_path) -> dict:
    """The settings every test runs with: tasks run at once, files in a temporary folder, a fast hasher."""
    return {
        "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        "MEDIA_ROOT": tmp_path / "media",
        "KIBAN_GENOME_ROOT": tmp_path / "genome",
        "LANGUAGE_CODE": "en",
        # The production hasher takes most of a second per user; tests create dozens of users.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


def _commits(item) -> bool:
    """Whether the test needs committed data: a transactional database, a live server."""
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    return transactional or bool({"transactional_db", "live_server"} & set(item.fixturenames))


@dataclass(frozen=True)
class ModuleDemo:
    """What a `demo_fixture` gives: whether the module's tests share the demo data loaded for the module."""

    loaders: tuple[str, ...]
    shared: bool

    def ready(self) -> None:
        """Loads the demo data for this test alone where the module's tests cannot share it."""
        from .registry import load_demo

        if not self.shared:
            load_demo(*self.loaders)


def demo_fixture(*loaders: str):
    """A module-scoped fixture that runs the named demo loaders (`kiban.core.registry`) once for the module.

    The data is loaded inside a transaction that stays open for the module and is rolled back at its end;
    each test's own transaction (pytest-django's `db`) is a savepoint inside it, so a test sees the demo data
    as loaded and nothing another test changed. In a module where some test needs committed data (a
    transactional database, a live server), every test loads the data for itself instead. Use it as
    `_my_demo = demo_fixture("seeds")` in a test module or conftest and, in the function-scoped fixture the
    tests use, request it with `db` and call `_my_demo.ready()`.
    """

    @pytest.fixture(scope="module")
    def fixture(request, django_db_setup, django_db_blocker, tmp_path_factory):
        from .registry import load_demo

        if any(_commits(item) for item in request.session.items if item.module is request.module):
            yield ModuleDemo(loaders, shared=False)
            return
        folder = tmp_path_factory.mktemp("demo")
        with django_db_blocker.unblock(), override_settings(**isolated_settings(folder)):
            atomics = [(alias, transaction.atomic(using=alias)) for alias in connections]
            for _alias, atomic in atomics:
                atomic.__enter__()
            try:
                load_demo(*loaders)
                yield ModuleDemo(loaders, shared=True)
            finally:
                for alias, atomic in reversed(atomics):
                    transaction.set_rollback(True, using=alias)
                    atomic.__exit__(None, None, None)

    return fixture


def user_with_role(
    role: str, *, organisation: Organisation | None = None, username: str | None = None
) -> User:
    """A user holding exactly one role (or none for SIGNED_IN_WITHOUT_ROLE)."""
    user = User.objects.create_user(username or f"user_{role}", f"{role}@example.jp", "pw-for-tests-only")
    if role != SIGNED_IN_WITHOUT_ROLE:
        organisation = (
            organisation
            or Organisation.objects.get_or_create(name=f"試験機関 {role}", defaults={"kind": "university"})[0]
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def signed_in(user: User) -> Client:
    """A client signed in as this user."""
    client = Client()
    client.force_login(user)
    return client


def client_for(role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        user = User.objects.filter(username=f"user_{role}").first() or user_with_role(role)
        client.force_login(user)
    return client


@dataclass(frozen=True)
class Access:
    """One page or endpoint and the roles allowed to use it; every other role must be refused."""

    method: str
    url: str
    allowed: Iterable[str]
    data: dict | None = None
    content_type: str | None = None
    api: bool = False


def _refused(access: Access, role: str, status: int, location: str) -> bool:
    if access.api:
        return status in (401, 403)
    if role == ANONYMOUS:
        return status == 302 and "/accounts/login/" in location
    return status == 403


def assert_permission_matrix(accesses: Iterable[Access], roles: Iterable[str] = ALL_ROLES) -> None:
    """Asks every role for every access; allowed roles get a non-refusal, the others are refused."""
    failures = []
    for access in accesses:
        allowed = set(access.allowed)
        for role in roles:
            client = client_for(role)
            kwargs = {"data": access.data or {}}
            if access.content_type:
                kwargs["content_type"] = access.content_type
            response = getattr(client, access.method.lower())(access.url, **kwargs)
            refused = _refused(access, role, response.status_code, response.get("Location", ""))
            if role in allowed and (refused or response.status_code >= 500):
                failures.append(
                    f"{role} should be allowed {access.method} {access.url}, got {response.status_code}"
                )
            if role not in allowed and not refused:
                failures.append(
                    f"{role} should be refused {access.method} {access.url}, got {response.status_code}"
                )
    assert not failures, "\n".join(failures)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured)


def assert_constant_queries(
    client: Client, url: str, add_rows: Callable[[int], None], *, step: int = 5
) -> None:
    """The page runs as many SQL queries with `step` more rows as with `2 * step` more rows."""
    add_rows(step)
    client.get(url)  # warm caches (content types, sessions) before counting
    first = count_queries(client, url)
    add_rows(step)
    second = count_queries(client, url)
    assert first == second, f"{url}: {first} queries, then {second} after adding {step} rows"


# --- reading pages
def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment: tags removed, entities decoded, white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def page_text(response) -> str:
    """The page's visible text, without its scripts and styles."""
    return text_of(re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S))


def page_error_message(response) -> str:
    """The message of a page that answered a bad parameter (kiban.core.pages.PageError)."""
    found = re.search(r'id="error-message">(.*?)</span>', response.content.decode(), flags=re.S)
    assert found, "the page shows no error message"
    return found.group(1)


class _TableReader(HTMLParser):
    def __init__(self, table_id: str):
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # > 0 while inside the wanted table
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response, table_id: str) -> list[list[str]]:
    """The text of each cell, row by row, of the table with this id (header rows included)."""
    reader = _TableReader(table_id)
    reader.feed(response.content.decode())
    assert reader.rows, f"no table with id {table_id!r} on the page"
    return reader.rows


def downloaded(response) -> bytes:
    """The body of a response, streamed (a file download) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content
