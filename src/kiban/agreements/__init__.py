"""Agreements between organisations about a record: NDAs, MTAs, data-use agreements, facility-use terms."""
