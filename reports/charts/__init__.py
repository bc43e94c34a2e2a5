"""Report charts: pure functions from report frames to plotly figures (no ORM, no settings, no clock)."""
