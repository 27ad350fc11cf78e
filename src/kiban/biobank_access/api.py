"""API of biobank_access."""

from ninja import Router

router = Router(tags=["biobank_access (S5)"])
