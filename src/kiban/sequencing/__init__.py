"""S6 sequencing progress: planned, sequenced and released genomes per funder of the 100,000-genome panel."""
