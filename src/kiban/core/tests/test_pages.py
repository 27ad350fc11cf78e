"""The one page component: ?page= read strictly, lists paged alike, a bad parameter a readable page."""

import pytest
from django.test import Client, RequestFactory

from kiban.core.choices import Role
from kiban.core.models import Notification, Organisation
from kiban.core.pages import MAX_PAGE, PageError, page_errors, page_number, paginate
from kiban.core.testing import client_for, page_error_message

factory = RequestFactory()


@pytest.mark.parametrize(("raw", "number"), [(None, 1), ("", 1), ("1", 1), ("12", 12), (" 3 ", 3)])
def test_a_page_number_is_read_from_the_query(raw, number):
    query = {} if raw is None else {"page": raw}
    assert page_number(factory.get("/", query)) == number


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("abc", "Enter a whole number."),
        ("١٢", "Enter a whole number."),  # Arabic-Indic digits, which int() would read as 12
        ("１", "Enter a whole number."),  # a full-width digit, typed with a Japanese input method
        ("1_000", "Enter a whole number."),
        ("-1", "Ensure this value is greater than or equal to 1."),
        ("2.5", "Enter a whole number."),
        ("0", "Ensure this value is greater than or equal to 1."),
        (str(MAX_PAGE + 1), f"Ensure this value is less than or equal to {MAX_PAGE}."),
        ("9" * 400, f"Ensure this value is less than or equal to {MAX_PAGE}."),
    ],
)
def test_anything_but_ascii_digits_in_bounds_is_a_400_saying_why(raw, problem):
    with pytest.raises(PageError) as error:
        page_number(factory.get("/", {"page": raw}))
    assert error.value.status == 400
    assert error.value.message == f"Page: {problem}"


def test_a_list_pages_its_items_and_links_its_neighbours_keeping_the_query():
    # given 120 items and a request for page 2 of a filtered list
    request = factory.get("/list/", {"kind": "university", "page": "2"})

    # when it is paged 50 at a time
    page = paginate(request, list(range(120)))

    # then page 2 holds items 51–100 and links pages 1 and 3 with the same filter
    assert (page.number, page.last, page.total) == (2, 3, 120)
    assert list(page) == list(range(50, 100))
    assert (page.first_row, page.last_row) == (51, 100)
    assert page.previous_url == "?kind=university&page=1"
    assert page.next_url == "?kind=university&page=3"


def test_a_page_past_the_end_is_a_404_naming_the_last_page():
    with pytest.raises(PageError) as error:
        paginate(factory.get("/", {"page": "4"}), list(range(120)))
    assert (error.value.status, error.value.message) == (404, "Page 4 is past the last page, 3.")


def test_an_empty_list_has_one_empty_page():
    page = paginate(factory.get("/"), [])
    assert (page.number, page.last, page.first_row, page.next_url, page.previous_url) == (1, 1, 0, "", "")


def test_page_errors_turns_a_page_error_into_a_page_with_its_status_and_message(db):
    @page_errors
    def view(request):
        raise PageError(404, "No such thing <here>.")

    response = view(factory.get("/"))
    assert response.status_code == 404
    assert page_error_message(response) == "No such thing &lt;here&gt;."


@pytest.fixture
def organisations(db):
    Organisation.objects.bulk_create(
        Organisation(name=f"機関 {number:03}", kind="university") for number in range(60)
    )


@pytest.mark.parametrize("url", ["/organisations/", "/inbox/"])
@pytest.mark.parametrize(
    ("page", "status", "message"), [("x", 400, "Page: Enter a whole number."), ("99", 404, None)]
)
def test_every_list_answers_a_bad_page_with_a_readable_page(alice, organisations, url, page, status, message):
    # given a signed-in user
    client = Client()
    client.force_login(alice)

    # when a list is asked for a page it cannot show
    response = client.get(url, {"page": page})

    # then it answers 400 or 404 with the reason, never a server error
    assert response.status_code == status
    assert page_error_message(response) == (
        message or f"Page 99 is past the last page, {2 if 'organisations' in url else 1}."
    )


def test_the_organisation_list_pages_50_at_a_time_and_ignores_a_per_page_in_the_address(alice, organisations):
    client = Client()
    client.force_login(alice)
    first = client.get("/organisations/", {"per_page": "100000"})
    second = client.get("/organisations/", {"page": "2"})
    assert len(first.context["page"].items) == 50
    assert 'rel="next" href="?per_page=100000&amp;page=2"' in first.content.decode()
    assert len(second.context["page"].items) == Organisation.objects.count() - 50
    assert "Page 2 of 2" in second.content.decode()


def test_the_inbox_pages_25_at_a_time_newest_first(alice):
    Notification.objects.bulk_create(
        Notification(recipient=alice, subject=f"通知 {number:02}", body="") for number in range(30)
    )
    client = Client()
    client.force_login(alice)
    first, second = client.get("/inbox/"), client.get("/inbox/", {"page": "2"})
    assert len(first.context["page"].items) == 25 and len(second.context["page"].items) == 5
    assert 'rel="next" href="?page=2">Older</a>' in first.content.decode()
    assert 'rel="prev" href="?page=1">Newer</a>' in second.content.decode()


def test_the_audit_trail_answers_a_bad_page_with_a_readable_page(db):
    # "²".isdigit() is true and int("²") fails: the hand-made check this replaces answered 500
    response = client_for(Role.AUDITOR).get("/audit/", {"page": "²"})
    assert response.status_code == 400
    assert page_error_message(response) == "Page: Enter a whole number."


HTML_LISTS = [
    ("/organisations/", Role.MINISTRY_OFFICIAL),
    ("/inbox/", Role.MINISTRY_OFFICIAL),
    ("/audit/", Role.AUDITOR),
    ("/seeds/", Role.MINISTRY_OFFICIAL),
    ("/certification/", Role.MINISTRY_OFFICIAL),
    ("/certification/applications/", Role.MINISTRY_OFFICIAL),
    ("/certification/calls/", Role.MINISTRY_OFFICIAL),
    ("/reviews/", Role.MINISTRY_OFFICIAL),
]


@pytest.mark.parametrize(("url", "role"), HTML_LISTS)
def test_every_html_list_reads_its_page_through_the_one_component(db, url, role):
    # given a user who may open the list
    client = client_for(role)

    # when it is asked for an unreadable page, and for a page past its end
    unreadable = client.get(url, {"page": "二"})
    past_the_end = client.get(url, {"page": "99999"})

    # then each answer is a readable 400 or 404 page naming the problem
    assert client.get(url).status_code == 200
    assert (unreadable.status_code, page_error_message(unreadable)) == (400, "Page: Enter a whole number.")
    assert past_the_end.status_code == 404
    assert page_error_message(past_the_end).startswith("Page 99999 is past the last page, ")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/organisations/?kind=castle",
            "Kind: Select a valid choice. castle is not one of the available choices.",
        ),
        ("/seeds/?stage=seed_z", "Stage: Select a valid choice. seed_z is not one of the available choices."),
        ("/seeds/export.csv?fiscal_year=soon", "Supported in fiscal year: Enter a whole number."),
    ],
)
def test_an_unreadable_filter_is_a_400_page_naming_it_not_a_silently_unfiltered_list(db, url, message):
    response = client_for(Role.MINISTRY_OFFICIAL).get(url)
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert page_error_message(response) == message
