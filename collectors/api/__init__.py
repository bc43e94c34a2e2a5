"""The collectors' REST API: a team's evidence and signals, triggering collection, runs, and the CI push."""
