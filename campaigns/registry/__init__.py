"""Import of the poverty registry: sources (CSV today, an API later), validation, and the sync."""
