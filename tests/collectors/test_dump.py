"""Uploaded `kubectl get -o json` dumps are checked before use: size, JSON, truncation and item shapes."""

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.cluster import cluster_signals
from collectors.dump import DumpError, listed_kinds, parse_dump

GOOD = {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}]}


def test_it_accepts_a_list_and_a_single_object():
    assert len(parse_dump(json.dumps(GOOD).encode(), max_bytes=1000)) == 1
    assert parse_dump(json.dumps(GOOD["items"][0]), max_bytes=1000)[0]["kind"] == "Namespace"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (json.dumps(GOOD).encode()[:-7], "truncated"),
        (b'{"items": [{"kind": "Names', "truncated"),
        (b"{'single': 'quotes'}", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"hello": "world"}', "not a Kubernetes List"),
        (b'{"items": {"a": 1}}', "must be a list"),
        (b'{"items": [42]}', "Item 1 is not an object"),
        (b'{"items": [{"kind": "Namespace"}]}', "apiVersion"),
        (b'{"items": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"labels": {"team": 7}}}]}', "labels"),
        (b'{"items": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ["x"]}}]}', "metadata.name"),
        (b'{"items": [{"apiVersion": "v1", "kind": "Pod", "spec": "running"}]}', "spec"),
        (b'{"items": [], "x": NaN}', "not a JSON number"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_it_rejects_bad_dumps_with_a_message(data, message):
    with pytest.raises(DumpError, match=message):
        parse_dump(data, max_bytes=1_000_000)


def test_it_rejects_oversized_dumps_before_parsing():
    with pytest.raises(DumpError, match="limit is 10 bytes"):
        parse_dump(json.dumps(GOOD).encode(), max_bytes=10)


def test_a_full_export_counts_absent_kinds_as_none():
    items = [{"apiVersion": "v1", "kind": "Namespace"}, {"apiVersion": "apps/v1", "kind": "Deployment"}]
    assert ("networking.k8s.io", "NetworkPolicy") in listed_kinds(items)
    assert ("networking.k8s.io", "NetworkPolicy") not in listed_kinds(items[:1])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000) | st.text(max_size=3000))
def test_it_never_fails_otherwise_on_random_input(data):
    with contextlib.suppress(DumpError):
        parse_dump(data, max_bytes=100_000)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["metadata", "spec", "labels", "name", "x"]), inner, max_size=4)
    ),
    max_leaves=30,
)
items = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from(["v1", "apps/v1", "argoproj.io/v1alpha1", "apiextensions.k8s.io/v1"])},
    optional={"metadata": json_values, "spec": json_values},
).map(lambda d: {**d, "kind": "Deployment" if d["apiVersion"] == "apps/v1" else "Namespace"})


@settings(max_examples=200, deadline=None)
@given(st.lists(items, max_size=8))
def test_accepted_dumps_always_give_signals(objects):
    data = json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})
    try:
        parsed = parse_dump(data, max_bytes=1_000_000)
    except DumpError:
        return
    cluster_signals(parsed, team_label="name", listed=listed_kinds(parsed))
