"""API of analysis_funding."""

from ninja import Router

router = Router(tags=["analysis_funding (S5)"])
