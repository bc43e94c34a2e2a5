#!/usr/bin/env python
"""Django's command-line entry point for the assessment service."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings now, so a problem in them is one line
    except ImproperlyConfigured as problem:
        sys.exit(f"Error: {problem}")
    execute_from_command_line(sys.argv)
