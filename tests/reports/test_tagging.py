from pathlib import Path

import pytest

from assessor.yamlsafe import load_yaml
from reports.tagging import VocabularyFileError, read_vocabulary, tag_text, tagging_quality

LABELLED = Path(__file__).resolve().parent.parent / "fixtures" / "tagging" / "labelled.yaml"


def tags(text: str) -> list[tuple[str, str, str]]:
    return [(tag.kind, tag.value, tag.phrase) for tag in tag_text(text, read_vocabulary())]


def test_it_turns_about_a_week_into_five_to_seven_days_and_keeps_the_phrase():
    (wait,) = [tag for tag in tag_text("It takes about a week to get one.", read_vocabulary()) if tag.kind == "wait"]

    assert (wait.value, wait.phrase, wait.low_days, wait.high_days) == ("5-7 days", "about a week", 5.0, 7.0)
    assert "It takes about a week to get one."[wait.start : wait.end] == "about a week"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("waiting 2-3 days", "2-3 days"),
        ("a couple of weeks", "10-14 days"),
        ("3 to 4 weeks", "15-28 days"),
        ("it takes months", "60-180 days"),
        ("5 business days", "5 days"),
        ("~2w", "10-14 days"),
    ],
)
def test_it_reads_waits_in_many_wordings(text: str, value: str):
    assert [tag[1] for tag in tags(text) if tag[0] == "wait"] == [value]


def test_it_does_not_read_a_wait_into_ordinary_words():
    assert [tag for tag in tags("a database and a dashboard, hand-made") if tag[0] == "wait"] == []


def test_it_tolerates_plurals_hyphens_and_one_letter_typos():
    assert ("capability", "data", "databses") in tags("three databses")
    assert ("capability", "infrastructure", "Kuberentes") in tags("Kuberentes upgrades")
    assert ("mechanism", "self_service", "selfservice") in tags("selfservice please")
    assert ("capability", "messaging", "message-brokers") in tags("message-brokers")


def test_it_maps_a_named_tool_to_its_mechanism_and_capability():
    assert set(tags("we use RDS")) == {("mechanism", "managed_provider", "RDS"), ("capability", "data", "RDS")}


def test_it_skips_code_blocks_and_keeps_offsets_true_despite_list_and_quote_markers():
    text = "> - a queue\n```\nterraform apply\n```\n"
    found = tag_text(text, read_vocabulary())

    assert [(tag.kind, tag.value) for tag in found] == [("capability", "messaging")]
    assert text[found[0].start : found[0].end] == "queue"


def test_it_tags_each_value_once_at_its_first_mention():
    assert tags("Postgres, then a database, then another database") == [("capability", "data", "Postgres")]


def test_it_refuses_a_vocabulary_with_an_unknown_capability(tmp_path: Path):
    bad = tmp_path / "vocabulary.yaml"
    bad.write_text(
        'version: "9"\ncapabilities: {teleportation: [beam]}\nmechanisms: {}\ntools: []\n'
        "waits: {phrases: [], units: {day: [1, 1]}, numbers: {a: [1, 1]}}\n"
    )

    with pytest.raises(VocabularyFileError, match="teleportation"):
        read_vocabulary(bad)


def test_it_refuses_a_vocabulary_that_breaks_the_schema(tmp_path: Path):
    bad = tmp_path / "vocabulary.yaml"
    bad.write_text('version: "9"\ncapabilities: {data: []}\n')

    with pytest.raises(VocabularyFileError, match=r"vocabulary\.yaml"):
        read_vocabulary(bad)


def test_it_tags_the_labelled_answers_with_enough_precision_and_recall():
    bodies = [(body["text"], body["tags"]) for body in load_yaml(LABELLED.read_bytes())["bodies"]]
    quality = tagging_quality(bodies, read_vocabulary())

    assert quality.bodies >= 30
    assert quality.precision >= 0.85, quality
    assert quality.recall >= 0.85, quality
