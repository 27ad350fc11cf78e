"""The main navigation: every role follows every link it is shown, and is shown every page it may open."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kiban.core.choices import Role
from kiban.core.demo import USERS
from kiban.core.models import User
from kiban.core.registry import navigation_entries, register_navigation
from kiban.core.testing import ALL_ROLES, ANONYMOUS, client_for, demo_fixture, signed_in

# Every loader but the genome panel's, whose ingestion takes a minute; its pages open on an empty panel.
DEMO_WITHOUT_GENOME = (
    "core",
    "programmes",
    "facility_operations",
    "sequencing",
    "seeds",
    "certification",
    "ledger",
)


def nav_links(response) -> list[tuple[str, str]]:
    """(URL, label) of each link in the page's main navigation, in order."""
    block = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', response.content.decode(), re.S)
    if block is None:
        return []
    return re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', block.group(1))


def _refused(response) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith(reverse("login"))
    return response.status_code == 403


_demo_without_genome = demo_fixture(*DEMO_WITHOUT_GENOME)


@pytest.fixture
def demo(_demo_without_genome, db):
    """The demo without the genome panel, loaded once for the module."""
    _demo_without_genome.ready()


# Open to anyone, for programs (it documents the public Beacon); not a page a visitor browses to.
# The BINDS support and bioresource catalogues and the analysis-funding calls are public too; a visitor
# reaches them by their address.
OPEN_TO_VISITORS = {
    "api:openapi-view", "binds:catalogue", "bioresources:catalogue", "analysis_funding:call-list",
}  # fmt: skip


def _walk(client: Client, who: str) -> list[str]:
    """Follows every link the client's navigation shows, and asks for every page it does not show."""
    failures = []
    shown = dict(nav_links(client.get(reverse("login") if who == ANONYMOUS else reverse("home"))))
    for entry in navigation_entries():
        url = reverse(entry.url_name)
        response = client.get(url)
        if url in shown and response.status_code != 200:
            failures.append(f"{who} is shown {url} ({shown[url]}) and gets {response.status_code}")
        hidden_on_purpose = who == ANONYMOUS and entry.url_name in OPEN_TO_VISITORS
        if url not in shown and not hidden_on_purpose and not _refused(response):
            failures.append(f"{who} may open {url} ({response.status_code}) but the navigation hides it")
    return failures


def test_every_role_opens_every_navigation_link_and_is_refused_every_page_it_is_not_shown(demo):
    # given the demo data, a user of every role (and one without a role, and an anonymous visitor),
    # and the demo users themselves, who belong to organisations with seeds, applications and budgets
    clients = {role: client_for(role) for role in ALL_ROLES}
    for username, _name, _email, _organisation, role, _title in USERS:
        clients[f"demo {username} ({role})"] = signed_in(User.objects.get(username=username))

    # when each follows every link of their navigation and asks for every other registered page
    failures = [failure for who, client in clients.items() for failure in _walk(client, who)]

    # then no link leads to a refusal, a missing page or an error, and nothing they may open is hidden
    assert not failures, "\n".join(failures)


def test_an_auditor_is_not_shown_seeds_but_is_shown_the_audit_trail(db):
    # given an auditor, who may not see seeds (the page answers 403)
    auditor = client_for(Role.AUDITOR)

    # when they open the home page
    labels = [label for _url, label in nav_links(auditor.get("/"))]

    # then the navigation lists what they may open, in the registered order, and not seeds
    assert "Seeds" not in labels
    assert labels == [
        "Home",
        "Programmes and budgets",
        "Certification",
        "BINDS support",
        "Cryo-EM network",
        "Genome reference panel",
        "Analysis funding calls",
        "Bioresources",
        "Sequencing progress",
        "Accounts and invoices",
        "Organisations",
        "My reviews",
        "Audit trail",
        "API",
    ]
    assert auditor.get("/seeds/").status_code == 403


def test_an_anonymous_visitor_gets_no_navigation_as_no_page_is_public(db):
    # given a visitor who has not signed in
    visitor = client_for(ANONYMOUS)

    # when they open the sign-in page, there is no navigation
    assert nav_links(visitor.get(reverse("login"))) == []
    # because every page it could list asks them to sign in, budgets and the genome panel included; only
    # the public catalogues (BINDS support, bioresources), the calls for analysis funding and the API's
    # documentation (for programs, with the public Beacon) open without signing in
    opened = [e.url_name for e in navigation_entries() if not _refused(visitor.get(reverse(e.url_name)))]
    assert sorted(opened) == sorted(OPEN_TO_VISITORS)


def test_a_navigation_entry_needs_exactly_one_way_to_decide_who_sees_it():
    with pytest.raises(ValueError, match="either a permission or a predicate"):
        register_navigation("home", "Home")
    with pytest.raises(ValueError, match="either a permission or a predicate"):
        register_navigation("home", "Home", permission="core.view_organisation", predicate=bool)


def test_hub_staff_are_shown_seeds_and_certification(db):
    hub_staff = client_for(Role.HUB_STAFF)
    labels = [label for _url, label in nav_links(hub_staff.get("/"))]
    assert "Seeds" in labels and "Certification" in labels and "Audit trail" not in labels
