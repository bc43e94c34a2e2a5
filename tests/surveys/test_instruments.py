import copy

import pytest
from django.core.management import CommandError, call_command

from assessor.yamlsafe import load_yaml
from surveys import conf
from surveys.instruments import InstrumentError, parse_instrument, read_instrument_file
from surveys.models import Instrument, Question
from surveys.services import instrument_load

BUNDLED = load_yaml(conf.default_instrument_file().read_bytes())


def raw() -> dict:
    return copy.deepcopy(BUNDLED)


def test_the_bundled_instrument_has_four_maturity_questions_per_aspect_and_a_target_each():
    spec = read_instrument_file(conf.default_instrument_file())
    for aspect in ("investment", "adoption", "interfaces", "operations", "measurement"):
        maturity = [q for q in spec.questions() if q.is_maturity and q.aspect == aspect and q.perspective == "self"]
        assert len(maturity) >= 4
        assert all(sorted(o.level for o in q.options if o.level) == [1, 2, 3, 4] for q in maturity)
        assert [q.key for q in spec.questions() if q.qtype == "target_level" and q.aspect == aspect] == [f"target.{aspect}"]


def test_the_bundled_instrument_covers_13_capability_domains_for_both_sides():
    spec = read_instrument_file(conf.default_instrument_file())
    domains = {q.capability for q in spec.questions() if q.capability}
    assert len(domains) == 13
    for domain in domains:
        facets = {q.facet: q for q in spec.questions() if q.capability == domain}
        assert set(facets) == {"need", "delivery", "wait", "provide", "interface"}
        assert facets["need"].roles == ("app_developer", "manager")
        assert facets["provide"].roles == ("platform_engineer", "infra_engineer")
        assert facets["delivery"].show_if.question == f"cap.{domain}.need"
    assert spec.question("feedback.satisfaction").qtype == "scale"
    assert spec.section("perception").shown_to("platform_engineer")
    assert not spec.section("perception").shown_to("app_developer")


def test_parsing_is_stable_so_the_hash_ignores_formatting():
    spec = parse_instrument(raw())
    assert parse_instrument(spec.as_dict()).content_hash == spec.content_hash
    changed = raw()
    changed["sections"][0]["questions"][0]["text"] = "How many people are in your team?"
    assert parse_instrument(changed).content_hash != spec.content_hash


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("version"), "'version' is a required property"),
        (lambda d: d.update(version="2"), r"version: '2' is not of type 'integer'"),
        (
            lambda d: d["sections"][1]["questions"][0].update(type="slider"),
            r"sections\[1\]\.questions\[0\]\.type: 'slider' is not one of",
        ),
        (
            lambda d: d["sections"][1]["questions"][0]["options"][0].update(level=7),
            r"sections\[1\]\.questions\[0\]\.options\[0\]\.level: 7 is greater than the maximum of 4",
        ),
        (lambda d: d["sections"][1]["questions"][1].update(key="investment.funding"), "the key is used twice"),
        (lambda d: d["sections"][1]["questions"][0].update(roles=["astronaut"]), r"roles\[0\]: 'astronaut' is not one of"),
        (lambda d: d["sections"][1]["questions"][0].update({"show-if": {}}), "unknown field"),
        (lambda d: d["sections"][0]["questions"][0].update(show_if={"question": "feedback.comment", "in": ["x"]}), "earlier"),
        (lambda d: d["sections"][6]["questions"][0].pop("aspect"), "a target level needs an 'aspect'"),
        (lambda d: d["sections"][1]["questions"][0]["options"].append({"value": "na", "label": "Again"}), "unique"),
    ],
)
def test_a_malformed_instrument_is_refused_with_a_message_naming_the_place(mutate, message):
    data = raw()
    mutate(data)
    with pytest.raises(InstrumentError, match=message):
        parse_instrument(data)


def test_show_if_values_must_be_options_of_the_controlling_question():
    data = raw()
    cooperation = next(s for s in data["sections"] if s["key"] == "cooperation")
    cooperation["questions"][1]["show_if"]["in"] = ["maybe"]
    with pytest.raises(InstrumentError, match="does not offer: maybe"):
        parse_instrument(data)


@pytest.mark.django_db
def test_loading_twice_creates_nothing_new(capsys):
    call_command("load_instrument")
    call_command("load_instrument")
    assert Instrument.objects.count() == 1
    assert Question.objects.count() == len(read_instrument_file(conf.default_instrument_file()).questions())
    assert "already loaded, unchanged" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_new_version_loads_beside_the_old_one_with_the_same_keys():
    first = instrument_load(spec=parse_instrument(raw())).instrument
    second_raw = raw()
    second_raw["version"] = 2
    second_raw["sections"][0]["questions"][0]["text"] = "How many people work in your team?"
    second = instrument_load(spec=parse_instrument(second_raw)).instrument
    assert Instrument.objects.count() == 2
    assert first.questions.get(key="about.team_size").text == "How many people are on your team?"
    assert second.questions.get(key="about.team_size").text == "How many people work in your team?"
    assert set(first.questions.values_list("key", flat=True)) == set(second.questions.values_list("key", flat=True))


@pytest.mark.django_db
def test_a_new_version_may_not_change_what_a_key_means():
    instrument_load(spec=parse_instrument(raw()))
    second = raw()
    second["version"] = 2
    question = second["sections"][0]["questions"][0]
    question.update(type="number")
    question.pop("options")
    with pytest.raises(InstrumentError, match="means something else in version 1"):
        instrument_load(spec=parse_instrument(second))
    assert Instrument.objects.count() == 1


@pytest.mark.django_db
def test_changed_content_for_a_version_with_answers_is_refused(wave, invite):
    from django.utils import timezone

    from surveys.services import response_save

    response_save(invitation=invite(), version=0, raw={"about.team_size": "size_1_5"}, now=timezone.now())
    changed = raw()
    changed["title"] = "Renamed survey"
    with pytest.raises(InstrumentError, match="already has answers"):
        instrument_load(spec=parse_instrument(changed))
    assert Instrument.objects.get().title == "Platform maturity and cooperation survey"


@pytest.mark.django_db
def test_changed_content_without_answers_updates_in_place():
    instrument_load(spec=parse_instrument(raw()))
    changed = raw()
    changed["sections"][0]["questions"][1]["text"] = "How long have you worked in this team?"
    result = instrument_load(spec=parse_instrument(changed))
    assert result.changed and not result.created
    assert Question.objects.get(key="about.tenure").text == "How long have you worked in this team?"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("key: x\nversion: 1\ntitle: T\nsections: nope\n", r"bad\.yaml: sections: 'nope' is not of type 'array'"),
        ("a: &anchor 1\nb: *anchor\n", "aliases are not accepted"),
        ("key: [unclosed\n", "Not valid YAML"),
        ("!!python/object:os.system {}\n", "Not valid YAML"),
    ],
)
def test_a_bad_file_is_a_clear_command_error_and_loads_nothing(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("load_instrument", str(path))
    assert Instrument.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_instrument", str(tmp_path / "missing.yaml"))


def test_version_2_asks_how_each_needed_capability_reaches_the_team_and_keeps_version_1s_meanings():
    first = read_instrument_file(conf.default_instrument_file())
    second = read_instrument_file(conf.BUNDLED_INSTRUMENT_2)
    assert (first.key, first.version, second.key, second.version) == ("pemm-cooperation", 1, "pemm-cooperation", 2)
    for question in first.questions():
        assert second.question(question.key) == question
    added = [q for q in second.questions() if first.question(q.key) is None]
    assert {q.capability for q in added} == {q.capability for q in first.questions() if q.capability}
    for question in added:
        assert question.facet == "mechanism" and question.roles == ("app_developer", "manager")
        assert question.show_if.question == f"cap.{question.capability}.need" and question.show_if.values == ("need_yes",)
        ways = [o.value for o in question.options]
        assert ways == ["git", "kubernetes_api", "pipeline", "portal", "injected", "ticket", "by_hand"]
    assert dict(second.section("cooperation").columns)["mechanism"] == "How does it reach you?"


@pytest.mark.django_db
def test_version_2_loads_beside_version_1_so_old_waves_keep_theirs():
    call_command("load_instrument", stdout=None)
    call_command("load_instrument", str(conf.BUNDLED_INSTRUMENT_2), stdout=None)
    versions = dict(Instrument.objects.filter(key="pemm-cooperation").values_list("version", "pk"))
    assert set(versions) == {1, 2}
    assert not Question.objects.filter(instrument_id=versions[1], key__endswith=".mechanism").exists()
    assert Question.objects.filter(instrument_id=versions[2], key__endswith=".mechanism").count() == 13
