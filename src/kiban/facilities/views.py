"""The cryo-EM network's instrument registry."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kiban.core.permissions import require

from . import selectors


@login_required
def cryo_em_network(request):
    """Any signed-in user: instruments by tier, voltage and site, beside the counts the source states."""
    require(request.user, "facilities.view_instrumentholding")
    return render(request, "facilities/cryo_em_network.html", {"groups": selectors.cryo_em_network()})
