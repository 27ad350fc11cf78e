"""Figures transcribed by hand from the seed document (000_d18836cfe118fe6f.txt), in the units it states.

They are kept apart from kiban.programmes.demo on purpose: a test compares the demo data with these,
so a typing error in either shows up as a failure.
"""

MILLION = 1_000_000  # 百万円
OKU = 100_000_000  # 億円

# Programme code: (令和3年度 FY2021, 前年度 FY2020) in 百万円, "5,223百万円（4,982百万円）".
# Lines 13-133; the aging project from lines 1432-1433. B-cure appears twice (lines 101 and 123), once here.
INITIAL_MILLION = {
    "translational": (5223, 4982),
    "cancer": (3551, 3551),
    "international": (1049, 1049),
    "advanced": (9799, 8796),
    "infectious": (3738, 3014),
    "binds": (3820, 3694),
    "biologics": (1316, 1261),
    "nbrp": (1231, 1316),
    "bcure": (4681, 4257),
    "regenerative": (9066, 9066),
    "riken": (15417, 15210),
    "aging": (1194, 1219),
}

# FY2020 supplementary budgets in 百万円 (第1次/第2次/第3次補正予算額), lines 68, 77, 92, 103.
SUPPLEMENTARY_MILLION = {
    ("infectious", "supplementary_1"): 750,
    ("binds", "supplementary_1"): 2106,
    ("binds", "supplementary_3"): 3185,
    ("nbrp", "supplementary_2"): 935,
    ("nbrp", "supplementary_3"): 344,
    ("bcure", "supplementary_3"): 4000,
}

# Totals exactly as stated, in 億円 (lines 31-32 and 94-95).
STATED_OKU = {
    (2021, "initial"): 876,
    (2020, "initial"): 860,
    (2020, "supplementary_1"): 29,
    (2020, "supplementary_2"): 9,
    (2020, "supplementary_3"): 75,
}
