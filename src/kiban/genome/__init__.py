"""S6 genome reference panel: datasets, variant frequencies, GA4GH Beacon v2 and sequencing progress."""
