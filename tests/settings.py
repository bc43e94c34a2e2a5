"""Settings for the test suite: the service's own settings with test-only speed-ups."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="assessor-tests-"))

from assessor.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
STATIC_ROOT = DATA_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Tests build repositories and snapshots under the temporary directory (pytest's tmp_path included).
COLLECTORS_LOCAL_ROOTS = [*COLLECTORS_LOCAL_ROOTS, Path(tempfile.gettempdir())]  # noqa: F405
