"""Pages of analysis_funding."""
