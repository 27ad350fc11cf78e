"""The admin corrects an application's text but never its state: the lifecycle alone moves it."""

from django.contrib.admin.helpers import AdminForm
from django.test import Client

from kiban.certification.models import CertificationApplication
from kiban.core.models import User


def test_saving_an_application_in_the_admin_keeps_its_state_and_answers(submitted_application):
    root = User.objects.create_superuser("root", "root@example.jp", "pw-for-tests-only")
    client = Client()
    client.force_login(root)
    url = f"/admin/certification/certificationapplication/{submitted_application.pk}/change/"
    page = client.get(url)
    form = next(c for c in page.context if "adminform" in c)["adminform"]
    assert isinstance(form, AdminForm)
    data = {}
    for name, field in form.form.fields.items():
        value = form.form.initial.get(name, field.initial)
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    data["state"] = "accepted"
    data["hub_statement"] = "corrected in the admin"

    response = client.post(url, data)

    assert response.status_code == 302
    submitted_application.refresh_from_db()
    assert submitted_application.state == "submitted"
    assert submitted_application.hub_statement == "corrected in the admin"
    assert CertificationApplication.history.filter(id=submitted_application.pk).latest().history_user == root
