"""InnoVisits: analytics over the Greater Bay Area innovation-visit records."""
