"""The reports' REST API: scores, the gap and trend reports, the anonymized export and the answers export.

Every read goes through `reports.selectors`, like the dashboards, so the same scope and anonymity rules hold.
"""
