"""Views of the surveys app: the invitation-link pages, their autosave endpoint, and the staff pages."""
