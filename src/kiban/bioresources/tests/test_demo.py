"""The demo data: a few hundred entries of every type marked as demo, orders in each state, a deposit in
screening, a BSL2 virus; loading it again changes nothing."""

from kiban.bioresources.choices import OrderState, ResourceType
from kiban.bioresources.demo import KEY_CELL, KEY_VIRUS
from kiban.bioresources.models import Deposit, Resource, ResourceOrder
from kiban.core.registry import load_demo


def test_demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo("bioresources")
    counts = (Resource.objects.count(), ResourceOrder.objects.count())
    assert counts[0] >= 300 and not Resource.objects.filter(is_demo=False).exists()
    assert set(Resource.objects.values_list("resource_type", flat=True)) == set(ResourceType.values)
    assert (
        Resource.objects.get(number=KEY_VIRUS).bsl == 2 and Resource.objects.get(number=KEY_CELL).str_profile
    )
    assert set(OrderState.values) <= set(ResourceOrder.objects.values_list("state", flat=True)) | {
        "resubmitted"
    }
    assert Deposit.objects.get().state == "under_review"
    load_demo("bioresources")
    assert (Resource.objects.count(), ResourceOrder.objects.count()) == counts
