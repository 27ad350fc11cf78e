"""How an HTML page answers a bad parameter (PageError and page_errors), a button that changes something
(act) and pages through a list (?page=).

API lists page with limit and offset instead (kiban.core.apikit); this module is for the pages people read.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from .errors import form_errors_text, refusal_text
from .forms import IntegerField
from .inputs import MAX_PAGE

PER_PAGE = 50


class PageError(Exception):
    """A request a page cannot answer, shown as a page with the reason (400 or 404) and any extra context."""

    def __init__(self, status: int, message: str, **context):
        super().__init__(message)
        self.status = status
        self.message = message
        self.context = context


def page_errors(view: Callable | None = None, *, template: str = "core/page_error.html"):
    """A PageError raised by the view becomes `template` with its message, context and status.

    Used bare (@page_errors) for the core's page; an app whose error page offers more (a search box,
    the fiscal years recorded) names its own template, which extends core/page_error.html.
    """

    def decorate(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except PageError as error:
                context = {**error.context, "message": error.message, "status": error.status}
                return render(request, template, context, status=error.status)

        return page

    return decorate(view) if view is not None else decorate


def act(request, target, write: Callable[[], object], success: str, *, form=None, to_result: bool = False):
    """A button of a page, which posts and comes back to `target`: a `form` that does not read, or the
    service's refusal (a ValidationError from `write`), becomes the error message; otherwise `success` is
    the message, and with `to_result` the browser goes to what `write` returned instead (a record made).
    A PermissionDenied from the service is the 403 page."""
    if form is not None and not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(target)
    try:
        result = write()
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect(target)
    messages.success(request, success)
    return redirect(result if to_result else target)


class PageField(IntegerField):
    """The page of a list in a query string: ASCII digits only, 1 to MAX_PAGE, 1 when absent."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs = {
            "label": gettext_lazy("Page"),
            "required": False,
            "min_value": 1,
            "max_value": MAX_PAGE,
            **kwargs,
        }
        super().__init__(**kwargs)

    def clean(self, value) -> int:
        return super().clean(value) or 1


def page_number(request, *, name: str = "page") -> int:
    """The page asked for in ?page=, or a PageError (400) saying what is wrong with it."""
    field = PageField()
    try:
        return field.clean(request.GET.get(name))
    except ValidationError as error:
        raise PageError(
            400, _("%(field)s: %(problem)s") % {"field": field.label, "problem": refusal_text(error)}
        ) from error


def filter_problems(filterset) -> str:
    """Each filter of a bound FilterSet that cannot be read, by its label and why; empty when all can."""
    if not filterset.is_bound or filterset.is_valid():
        return ""
    form = filterset.form
    return " ".join(
        _("%(field)s: %(problem)s") % {"field": form[name].label, "problem": problem}
        for name, errors in form.errors.items()
        for problem in errors
    )


def filtered(filterset) -> QuerySet:
    """A django-filter FilterSet's rows, or a PageError (400) naming each filter that cannot be read (the
    API's counterpart is core.apikit.filtered)."""
    if problems := filter_problems(filterset):
        raise PageError(400, problems)
    return filterset.qs


def query_url(request, **changes) -> str:
    """This page's query string with some parameters changed (None drops one); empty when none is left."""
    query: QueryDict = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return f"?{query.urlencode()}" if query else ""


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, where it is among the others, and the links to its neighbours."""

    items: Sequence
    number: int
    per_page: int
    total: int
    previous_url: str = field(default="", compare=False)
    next_url: str = field(default="", compare=False)

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_row(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    @property
    def has_next(self) -> bool:
        return self.number < self.last

    def __iter__(self):
        return iter(self.items)


def _page(request, items: Sequence, *, number: int, per_page: int, total: int, name: str) -> Page:
    last = max(1, -(-total // per_page))
    if number > last:
        raise PageError(
            404, _("Page %(page)s is past the last page, %(last)s.") % {"page": number, "last": last}
        )
    return Page(
        items=items,
        number=number,
        per_page=per_page,
        total=total,
        previous_url=query_url(request, **{name: str(number - 1)}) if number > 1 else "",
        next_url=query_url(request, **{name: str(number + 1)}) if number < last else "",
    )


def paginate(request, items: QuerySet | Sequence, *, per_page: int = PER_PAGE, name: str = "page") -> Page:
    """The page of `items` asked for in ?page= (counted once, sliced in the database for a queryset)."""
    number = page_number(request, name=name)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    offset = (number - 1) * per_page
    return _page(
        request, items[offset : offset + per_page], number=number, per_page=per_page, total=total, name=name
    )


def fetched_page(
    request,
    fetch: Callable[[int, int], tuple[Sequence, int]],
    *,
    number: int,
    per_page: int = PER_PAGE,
    name: str = "page",
) -> Page:
    """A page from a source that counts every match as it reads: fetch(offset, limit) -> (items, total)."""
    items, total = fetch((number - 1) * per_page, per_page)
    return _page(request, items, number=number, per_page=per_page, total=total, name=name)


def paginate_table(request, table, *, per_page: int = PER_PAGE) -> Page:
    """A django-tables2 table sorted by ?sort= and cut to the page in ?page= (never ?per_page=)."""
    RequestConfig(request, paginate=False).configure(table)
    number = page_number(request, name=table.prefixed_page_field)
    page = _page(
        request, (), number=number, per_page=per_page, total=len(table.rows), name=table.prefixed_page_field
    )
    table.paginate(page=number, per_page=per_page)
    return Page(
        items=table.page.object_list,
        number=number,
        per_page=per_page,
        total=page.total,
        previous_url=page.previous_url,
        next_url=page.next_url,
    )
