"""How static files are stored and linked: WhiteNoise's compressed, content-hashed files, under DEBUG too."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)
_warned: set[str] = set()


class StaticStorage(CompressedManifestStaticFilesStorage):
    """`collectstatic` writes each file under a name with its content hash, plus gzip and brotli copies, and WhiteNoise
    serves those names compressed with a far-future Cache-Control.

    Three changes to the parent: pages link the hashed names under DEBUG as well, since `make run` serves with
    DEBUG=1 and should load like production; a file missing from the manifest (collectstatic has not run since it
    was added) is linked by its plain name, served fresh from the source folders, instead of failing the page; and a
    file whose gzip copy is already newer than it is not compressed again, so the collectstatic `make run` does at
    each start takes seconds after the first.
    """

    def compress_files(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        return super().compress_files([path for path in paths if not self._compressed_copy_is_current(path)])

    def _compressed_copy_is_current(self, name: str) -> bool:
        full = self.path(name)
        try:
            return os.stat(f"{full}.gz").st_mtime >= os.stat(full).st_mtime
        except OSError:
            return False

    def url(self, name: str | None, force: bool = False) -> str:
        try:
            return super().url(name, force=True)
        except ValueError:
            if name not in _warned:
                _warned.add(str(name))
                logger.warning("Static file %s is not in the manifest: run `manage.py collectstatic`", name)
            return FileSystemStorage.url(self, name)
