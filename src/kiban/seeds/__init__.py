"""S1 translational research seeds: registration at a hub, stage-gates, funds, outcomes, company matching."""
