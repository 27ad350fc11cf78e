"""Documents attached to a programme: ministry officials and agency officers only, checked by type."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kiban.core.models import Attachment
from kiban.core.testing import page_text

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _stored_files(settings) -> list:
    media = settings.MEDIA_ROOT
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize("client_fixture", ["ministry_client", "agency_client"])
def test_ministry_and_agency_attach_a_pdf(request, client_fixture, translational, settings):
    # given a ministry official or an agency officer
    client = request.getfixturevalue(client_fixture)

    # when they attach a small PDF to the translational programme
    response = client.post(
        f"/programmes/{translational.pk}/attachments/",
        {
            "file": SimpleUploadedFile("予算説明資料.pdf", PDF, "application/pdf"),
            "description": "令和3年度予算",
        },
        follow=True,
    )

    # then the programme page confirms it and lists the file; it is stored once on disk
    assert response.redirect_chain == [(f"/programmes/{translational.pk}/", 302)]
    text = page_text(response)
    assert "The file is attached." in text
    assert "予算説明資料.pdf" in text
    attachment = Attachment.objects.get()
    assert attachment.target == translational
    assert (attachment.media_type, attachment.size_bytes, attachment.description) == (
        "application/pdf",
        len(PDF),
        "令和3年度予算",
    )
    assert [p.read_bytes() for p in _stored_files(settings)] == [PDF]


def test_a_researcher_may_not_attach(researcher_client, translational, settings):
    # given a researcher
    # when they try to attach a PDF
    response = researcher_client.post(
        f"/programmes/{translational.pk}/attachments/",
        {"file": SimpleUploadedFile("memo.pdf", PDF, "application/pdf")},
    )

    # then it is forbidden and nothing is stored
    assert response.status_code == 403
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []


def test_a_researcher_sees_no_attach_form(researcher_client, ministry_client, translational):
    # given the translational programme page
    action = f'action="/programmes/{translational.pk}/attachments/"'

    # when a researcher and a ministry official open it
    # then only the official gets the form
    assert action not in researcher_client.get(f"/programmes/{translational.pk}/").content.decode()
    assert action in ministry_client.get(f"/programmes/{translational.pk}/").content.decode()


def test_a_file_of_a_refused_type_shows_why_and_stores_nothing(ministry_client, translational, settings):
    # given a ministry official
    # when they attach an executable
    response = ministry_client.post(
        f"/programmes/{translational.pk}/attachments/",
        {"file": SimpleUploadedFile("setup.exe", b"MZ\x90\x00", "application/octet-stream")},
        follow=True,
    )

    # then the programme page says which types are accepted, and nothing is stored
    assert response.status_code == 200
    text = page_text(response)
    assert (
        "Files of type “.exe” are not accepted. "
        "Accepted types: .pdf, .png, .jpg, .jpeg, .xlsx, .docx, .csv, .txt."
    ) in text
    assert "The file is attached." not in text
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(ministry_client, translational, settings):
    # given a ministry official
    # when they attach a text file named .pdf
    response = ministry_client.post(
        f"/programmes/{translational.pk}/attachments/",
        {"file": SimpleUploadedFile("budget.pdf", b"not a pdf at all", "application/pdf")},
        follow=True,
    )

    # then the page says the content does not match, and nothing is stored
    assert "The file “budget.pdf” does not contain what its name says (application/pdf)." in page_text(
        response
    )
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []


def test_sending_no_file_shows_the_form_error(ministry_client, translational):
    # given a ministry official
    # when the form is sent without a file
    response = ministry_client.post(f"/programmes/{translational.pk}/attachments/", {}, follow=True)

    # then the page says the file is required
    assert "This field is required." in page_text(response)
    assert not Attachment.objects.exists()


def test_attaching_to_an_unknown_programme_is_404(ministry_client, demo_data):
    # given the demo data
    # when a file is sent to a programme that does not exist
    response = ministry_client.post(
        "/programmes/999999/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")}
    )

    # then it is not found and nothing is stored
    assert response.status_code == 404
    assert not Attachment.objects.exists()
