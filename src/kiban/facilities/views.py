"""The cryo-EM network's instrument registry."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors


@login_required
def cryo_em_network(request):
    """Any signed-in user: instruments by tier, voltage and site, beside the counts the source states."""
    if not request.user.has_perm("facilities.view_instrumentholding"):
        raise PermissionDenied(_("You may not see the instrument registry."))
    return render(request, "facilities/cryo_em_network.html", {"groups": selectors.cryo_em_network()})
