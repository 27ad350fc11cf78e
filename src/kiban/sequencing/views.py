"""The sequencing progress page: standing per funder, every figure, and the curators' form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kiban.core.permissions import require

from . import selectors, services
from .forms import SequencingFigureForm


@login_required
def progress(request):
    """Any signed-in user sees the figures; biobank curators also record new ones (POST)."""
    require(request.user, "sequencing.view_sequencingfigure")
    can_record = request.user.has_perm("sequencing.add_sequencingfigure")
    form = SequencingFigureForm(request.POST or None) if can_record else None
    if request.method == "POST":
        require(request.user, "sequencing.add_sequencingfigure")
        if form.is_valid():
            try:
                services.sequencing_figure_record(
                    **{k: v for k, v in form.cleaned_data.items()}, actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The figure is recorded."))
                return redirect("sequencing:progress")
    status = 400 if form is not None and form.is_bound else 200
    return render(
        request,
        "sequencing/progress.html",
        {
            "standings": selectors.standings(),
            "figures": selectors.figures(),
            "form": form,
            "funded_plans": (plans := selectors.funded_plans()),
            "funded_totals": selectors.funded_totals(plans),
        },
        status=status,
    )
