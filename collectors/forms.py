"""Forms of the collect page and the cluster dump upload."""

from __future__ import annotations

from typing import Any

from django import forms

from collectors.dump import how_to_export


class CollectNowForm(forms.Form):
    source = forms.RegexField(regex=r"^(all|repository:\d+|cluster:\d+)$", max_length=40)


class DumpUploadForm(forms.Form):
    dump = forms.FileField(label="Cluster dump (JSON)", allow_empty_file=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dump"].help_text = f"The output of: {how_to_export()}"
