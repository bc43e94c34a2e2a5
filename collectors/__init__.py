"""Collectors: adapters that gather evidence from git, GitHub, Kubernetes and CI."""
