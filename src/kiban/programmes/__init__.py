"""S0 Programmes and budgets (予算・事業): the programmes, their fiscal-year budgets and sub-allocations."""
