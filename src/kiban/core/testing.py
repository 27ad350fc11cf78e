"""Test helpers every app reuses: a permission matrix and a constant-query check for list and detail pages."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .choices import Role
from .models import Membership, Organisation, User

ANONYMOUS = "anonymous"
SIGNED_IN_WITHOUT_ROLE = "no_role"
ALL_ROLES = (ANONYMOUS, SIGNED_IN_WITHOUT_ROLE, *Role.values)
SIGNED_IN = tuple(r for r in ALL_ROLES if r != ANONYMOUS)


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
