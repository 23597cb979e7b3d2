"""Reads for reports: the data each kind of report shows, and which runs exist."""
