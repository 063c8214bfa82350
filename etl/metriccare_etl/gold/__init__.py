"""Gold: the CMS-style measures, recomputed from Silver when their inputs or the reference date changed."""
