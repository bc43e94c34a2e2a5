"""Forms of the collect page and the cluster dump upload."""

from __future__ import annotations

from django import forms

from collectors.dump import HOW_TO_EXPORT


class CollectNowForm(forms.Form):
    source = forms.RegexField(regex=r"^(all|repository:\d+|cluster:\d+)$", max_length=40)


class DumpUploadForm(forms.Form):
    dump = forms.FileField(
        label="Cluster dump (JSON)",
        help_text=f"The output of: {HOW_TO_EXPORT}",
        allow_empty_file=True,
    )
