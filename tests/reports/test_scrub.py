"""Scrubbing free text before release: pure, no database."""

from __future__ import annotations

from reports.export.scrub import KnownNames, known_names, scrub_texts

NAMES = known_names(
    people=["Ada Lovelace", "Ada", "Ann", "Zoë Ångström", "octocat", "Grace"],
    teams=["Checkout", "checkout-team", "Data Platform"],
    organizations=["Acme", "acme-corp"],
)


def scrub(text: str, names: KnownNames = NAMES) -> str:
    return scrub_texts([text], names)[0][0]


def test_it_replaces_addresses_links_and_handles():
    assert scrub("Write to someone@example.org, see https://wiki.example.org/page?x=1. Ask @lin-k") == (
        "Write to [email], see [url]. Ask [handle]"
    )
    assert scrub("Docs at www.example.org/docs) and more") == "Docs at [url]) and more"


def test_it_replaces_known_names_by_kind_case_insensitively():
    assert scrub("ada LOVELACE of the checkout team at ACME") == "[person] of the [team] team at [organization]"
    assert scrub("the data   platform team") == "the [team] team"


def test_names_inside_other_words_are_left_alone():
    text = "Annual planning, Adam, Acmeville, checkouts, Gracefully"
    assert scrub(text) == text
    assert scrub("Ann's and (Ann) and Ann.") == "[person]'s and ([person]) and [person]."


def test_the_longest_name_wins():
    assert scrub("Ada Lovelace met Ada") == "[person] met [person]"
    assert scrub("the checkout-team asked Checkout") == "the [team] asked [team]"
    _, counts = scrub_texts(["Ada Lovelace met Ada"], NAMES)
    assert counts.replacements == {"person": 2}, "one [person] for the full name, not one per word"


def test_unicode_names_are_matched_as_whole_words():
    assert scrub("zoë ångström and ZOË ÅNGSTRÖM and Zoë Ångströms") == "[person] and [person] and Zoë Ångströms"
    names = known_names(people=["Jürgen", "Søren"])
    assert scrub("Jürgen, jürgenson and SØREN", names) == "[person], jürgenson and [person]"


def test_every_occurrence_is_replaced_and_counted():
    texts, counts = scrub_texts(["Grace, grace and GRACE", "nothing to see", "Ada at ada@example.org"], NAMES)
    assert texts == ["[person], [person] and [person]", "nothing to see", "[person] at [email]"]
    assert counts.texts == 2
    assert counts.as_dict() == {
        "texts": 2,
        "replacements": {"email": 1, "url": 0, "handle": 0, "person": 4, "team": 0, "organization": 0},
    }


def test_an_email_containing_a_team_name_is_counted_once():
    texts, counts = scrub_texts(["mail checkout@acme.com please"], NAMES)
    assert texts == ["mail [email] please"]
    assert counts.replacements == {"email": 1}


def test_a_url_holding_names_is_one_url():
    texts, counts = scrub_texts(["https://github.com/acme-corp/checkout/issues/1 by octocat"], NAMES)
    assert texts == ["[url] by [person]"]
    assert counts.replacements == {"url": 1, "person": 1}


def test_text_without_matches_is_unchanged_and_not_counted():
    texts, counts = scrub_texts(["We wait weeks for a database."], NAMES)
    assert texts == ["We wait weeks for a database."] and counts.texts == 0 and counts.replacements == {}


def test_one_letter_names_and_blanks_are_ignored():
    names = known_names(people=["a", " ", "I", "Bo"])
    assert names.people == ("Bo", "I", "a")
    assert scrub("I need a database, Bo", names) == "I need a database, [person]"


def test_placeholders_are_never_scrubbed_again():
    names = known_names(teams=["email", "team"], people=["person"])
    assert scrub("email team person x@y.org", names) == "[team] [team] [person] [email]"


def test_many_names_compile_into_one_pattern_that_stays_fast():
    names = known_names(people=[f"Person{index:05d} Surname{index}" for index in range(20_000)])
    texts, counts = scrub_texts(["Ask person00042 surname42 or Person19999 Surname19999 now"] * 200, names)
    assert texts[0] == "Ask [person] or [person] now" and counts.replacements == {"person": 400}
