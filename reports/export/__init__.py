"""Exports: the anonymized TAG export (pure aggregation and small-cell suppression) and streaming writers."""
