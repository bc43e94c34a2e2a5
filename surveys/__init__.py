"""Surveys: instruments, waves, invitations, responses and issue-form import."""
