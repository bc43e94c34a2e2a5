"""Dashboard pages, exports and the unsubscribe page; thin views over `reports.dashboards`."""
