"""Reports: frames, charts, dashboards, emails and exports."""
