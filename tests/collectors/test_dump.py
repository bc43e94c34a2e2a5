"""Uploaded `kubectl get -o json` dumps are checked before use: size, JSON, truncation and item shapes."""

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.cluster import WORKLOAD_KINDS, cluster_signals
from collectors.dump import DumpError, listed_kinds, parse_dump

GOOD = {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}]}


def test_it_accepts_a_list_and_a_single_object():
    assert len(parse_dump(json.dumps(GOOD).encode(), max_bytes=1000)) == 1
    assert parse_dump(json.dumps(GOOD["items"][0]), max_bytes=1000)[0]["kind"] == "Namespace"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x80\x81\x82garbage", "neither UTF-8 nor UTF-16"),
        (b"apiVersion: v1\nkind: List\nitems: []\n", "YAML.*-o json"),
        (b'{"apiVersion": "v1", "kind": "List", "items": [{"metadata": {"name": "a"}}]}', "raw API answer"),
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


def test_a_dump_is_evidence_only_for_the_kinds_it_holds():
    items = [{"apiVersion": "v1", "kind": "Namespace"}, {"apiVersion": "apps/v1", "kind": "Deployment"}]
    assert listed_kinds(items) == {("", "Namespace"), ("apps", "Deployment")}  # no network policies: unknown


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
def test_accepted_dumps_of_odd_shapes_give_signals_only_for_labelled_namespaces(objects):
    data = json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})
    try:
        parsed = parse_dump(data, max_bytes=1_000_000)
    except DumpError:
        return
    signals, _ = cluster_signals(parsed, team_label="name", listed=listed_kinds(parsed))

    teams = {}  # the team label of each named core namespace in the dump
    for item in parsed:
        metadata = item.get("metadata") or {}
        if (item["apiVersion"], item["kind"]) == ("v1", "Namespace") and metadata.get("name"):
            teams[metadata["name"]] = (metadata.get("labels") or {}).get("name")
    for signal in signals:
        assert signal.key.startswith("k8s.")  # no CRDs in these dumps, so no capability signals
        assert signal.team_slug and teams.get(signal.namespace) == signal.team_slug


NAMES = ("a", "b", "c")
TEAMS = st.sampled_from(["", "payments", "search"])
labels = st.dictionaries(st.sampled_from(["name", "x"]), TEAMS, max_size=2)


def namespace_items(names):
    """Core Namespaces with these names (and at most one without a name), labelled or not."""
    named = [
        st.fixed_dictionaries(
            {
                "apiVersion": st.just("v1"),
                "kind": st.just("Namespace"),
                "metadata": st.fixed_dictionaries({"name": st.just(n)}, optional={"labels": labels}),
            }
        )
        for n in names
    ]
    nameless = st.lists(
        st.fixed_dictionaries(
            {
                "apiVersion": st.just("v1"),
                "kind": st.just("Namespace"),
                "metadata": st.fixed_dictionaries({}, optional={"labels": labels}),
            }
        ),
        max_size=1,
    )
    return st.tuples(*named, nameless).map(lambda parts: [*parts[:-1], *parts[-1]])


workload_items = st.lists(
    st.fixed_dictionaries(
        {"apiVersion": st.just("apps/v1"), "kind": st.sampled_from(["Deployment", "StatefulSet", "DaemonSet"])},
        optional={
            "metadata": st.fixed_dictionaries(
                {}, optional={"name": st.just("web"), "namespace": st.sampled_from([*NAMES, "elsewhere"])}
            )
        },
    ),
    max_size=4,
)
# A kind named Namespace in another API group is not a namespace; a ConfigMap counts for nothing here.
other_items = st.lists(
    st.sampled_from(
        [
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Namespace",
                "metadata": {"name": "a", "labels": {"name": "intruder"}},
            },
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "a"}},
        ]
    ),
    max_size=2,
)
dumps = (
    st.tuples(st.lists(st.sampled_from(NAMES), unique=True, max_size=3).flatmap(namespace_items), workload_items, other_items)
    .map(lambda parts: [item for part in parts for item in part])
    .flatmap(st.permutations)
)


def expected_k8s(items):
    """What a dump holds, read independently of the collector: {namespace: (team, workloads)} for named,
    labelled core namespaces, and whether workloads can be counted (it holds core namespaces and Deployments)."""
    namespaces = [i for i in items if (i["apiVersion"], i["kind"]) == ("v1", "Namespace")]
    workloads = [i for i in items if i["apiVersion"] == "apps/v1"]
    teams = {}
    for item in namespaces:
        name, team = item["metadata"].get("name"), item["metadata"].get("labels", {}).get("name")
        if name and isinstance(team, str) and team:
            teams[name] = team
    counts = {name: sum(1 for w in workloads if w.get("metadata", {}).get("namespace") == name) for name in teams}
    countable = bool(namespaces) and any(w["kind"] == "Deployment" for w in workloads)
    return {name: (teams[name], counts[name]) for name in teams}, countable


@settings(max_examples=300, deadline=None)
@given(dumps)
def test_an_accepted_dump_gives_signals_for_what_it_holds_and_reasons_for_what_it_lacks(objects):
    """An accepted dump gives per-namespace signals exactly for its named core namespaces labelled with a team,
    and only when it holds Deployments: then each such namespace gets its workload count, marked as not read
    whole unless the dump also holds StatefulSets and DaemonSets. Kinds it lacks (network policies, autoscalers)
    give no signal at all, never a zero. A dump that gives no k8s signals says why in a k8s reason, and one
    without CRDs says its capabilities are unknown. So a dump of one item gives no signals, only reasons."""
    parsed = parse_dump(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}), max_bytes=1_000_000)
    expected, countable = expected_k8s(parsed)
    held = listed_kinds(parsed)

    signals, skipped = cluster_signals(parsed, team_label="name", listed=held)

    k8s = [s for s in signals if s.key.startswith("k8s.")]
    # No CRDs were read: no capability is known but those that show on workloads, Backstage and Helm (absent only
    # if all were read).
    others = {s.key: s.value for s in signals if not s.key.startswith("k8s.")}
    assert set(others) <= {"cluster.capability.backstage", "cluster.capability.helm"}
    if others:
        assert held >= WORKLOAD_KINDS
    assert any(s.what.startswith("cluster.capability") for s in skipped)
    assert not [s for s in k8s if s.key in ("k8s.network_policies", "k8s.autoscalers", "k8s.claims", "k8s.gitops_share")]
    if not countable:
        assert k8s == []
    else:
        assert {s.namespace for s in k8s} == set(expected)
        whole = {("apps", "StatefulSet"), ("apps", "DaemonSet")} <= held
        for namespace, (team, workloads) in expected.items():
            mine = {s.key: s for s in k8s if s.namespace == namespace}
            assert {s.team_slug for s in mine.values()} == {team}
            assert mine["k8s.workloads"].value == workloads
            assert mine["k8s.workloads"].detail.get("read_whole", True) is whole
    if not k8s:
        assert any(s.what.startswith("k8s") for s in skipped), skipped
    if len(parsed) == 1:
        assert signals == [] and skipped


@pytest.mark.parametrize(
    "item",
    [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "labels": {"name": "payments"}}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "a"}},
    ],
)
def test_a_one_item_dump_gives_no_signals_and_says_why(item):
    parsed = parse_dump(json.dumps({"apiVersion": "v1", "kind": "List", "items": [item]}), max_bytes=10_000)

    signals, skipped = cluster_signals(parsed, team_label="name", listed=listed_kinds(parsed))

    assert signals == []
    assert [s.what for s in skipped if s.what.startswith("k8s")]
