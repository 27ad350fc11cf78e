"""Helpers of bench/genome_bench.py: simulated panels, measured child processes, an HTTP load driver."""
