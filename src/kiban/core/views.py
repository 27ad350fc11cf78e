"""Core pages: home, organisation directory, inbox, audit trail, API tokens, attachment download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .filtersets import OrganisationFilter
from .forms import ApiTokenForm, AuditFilterForm
from .inputs import MAX_ID, InputError, whole_number
from .models import ApiToken, Attachment
from .pages import PageError, fetched_page, filtered, page_errors, page_number, paginate, paginate_table
from .permissions import require
from .tables import OrganisationTable


def csrf_failure(request, reason: str = ""):
    """A readable 403 when a form was sent without its CSRF token (for example from an old tab)."""
    return render(request, "core/csrf_failure.html", {"reason": reason}, status=403)


def server_error(request):
    """The 500 page in the site's layout and the reader's language. Django's own handler renders 500.html
    without the request (no language switch, no sign-in state); this one uses it, and falls back to the
    template alone when the page's context itself fails (the database may be what went wrong)."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the failure being reported may break the context too; the page must still answer
        return HttpResponseServerError(loader.get_template("500.html").render())


@login_required
def home(request):
    """Any signed-in user: the systems they can use and their latest notifications."""
    return render(request, "core/home.html", {"latest": selectors.inbox(user=request.user)[:5]})


@login_required
@page_errors
def organisation_list(request):
    """Any signed-in user: the directory of organisations, filtered by kind or name."""
    organisation_filter = OrganisationFilter(request.GET, queryset=selectors.organisation_list())
    table = OrganisationTable(filtered(organisation_filter))
    page = paginate_table(request, table)
    return render(
        request, "core/organisation_list.html", {"filter": organisation_filter, "table": table, "page": page}
    )


@login_required
def organisation_detail(request, pk: int):
    """Any signed-in user: one organisation, its sharing institutions and its people."""
    organisation = get_object_or_404(selectors.organisation_list(), pk=pk)
    return render(
        request,
        "core/organisation_detail.html",
        {
            "organisation": organisation,
            "sharing": organisation.sharing_institutions.all(),
            "members": selectors.organisation_members(organisation=organisation),
        },
    )


@login_required
@page_errors
def inbox(request):
    """The signed-in user's own notifications."""
    page = paginate(request, selectors.inbox(user=request.user), per_page=25)
    return render(request, "core/inbox.html", {"page": page})


@login_required
@require_POST
@page_errors
def inbox_mark_read(request):
    """The signed-in user marks their own notifications read (one, or all)."""
    try:
        ids = [whole_number(i, name="id", minimum=1, maximum=MAX_ID) for i in request.POST.getlist("id")]
    except InputError as error:
        raise PageError(400, error.message) from error
    ids = ids or None
    services.notification_mark_read(user=request.user, notification_ids=ids)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("core:inbox")


@login_required
@page_errors
def audit_list(request):
    """Auditors only: every kept change, filtered by record type, user, change, reason and dates."""
    require(request.user, "core.view_audit")
    form = AuditFilterForm(request.GET or None)
    audit_filter = selectors.AuditFilter()
    if form.is_bound and form.is_valid():
        audit_filter = selectors.AuditFilter(**{k: v for k, v in form.cleaned_data.items() if v})

    def fetch(offset: int, limit: int):
        found = selectors.audit_trail(audit_filter=audit_filter, offset=offset, limit=limit)
        return found.records, found.total

    page = fetched_page(request, fetch, number=page_number(request))
    return render(request, "core/audit_list.html", {"form": form, "page": page})


@login_required
def audit_detail(request, label: str, history_id: int):
    """Auditors only: one kept change with the values before and after."""
    require(request.user, "core.view_audit")
    record, changes = selectors.audit_record(label=label, history_id=history_id)
    if record is None:
        raise Http404(_("No such change is kept."))
    return render(request, "core/audit_detail.html", {"record": record, "changes": changes})


@login_required
def api_tokens(request):
    """The signed-in user's own API tokens: create one (shown once) or revoke one."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    """The token's owner only."""
    token = get_object_or_404(ApiToken, pk=pk)
    require(request.user, "core.delete_apitoken", token)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("core:api-tokens")


@login_required
def attachment_download(request, pk: int):
    """Whoever may view the record the file is attached to."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    require(request.user, "core.view_attachment", attachment)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.media_type,
    )
