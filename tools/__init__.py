"""Project maintenance scripts (generation, spec comparison)."""
