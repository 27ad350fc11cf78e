"""Shared facilities: the cryo-EM network's instruments by site, tier and voltage (S4's registry)."""
