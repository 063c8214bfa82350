"""Silver: Bronze's new commits as typed, validated tables, one row per id, and quarantine tables saying why not."""
