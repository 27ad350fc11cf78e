"""The review engine: rubrics, reviewer assignment, conflicts of interest, blinded scores, panel decisions."""
