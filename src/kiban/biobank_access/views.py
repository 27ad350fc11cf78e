"""Pages of biobank_access."""
