import pytest

from assessor.yamlsafe import YAMLInputError, load_yaml, load_yaml_all


def test_it_reads_plain_yaml():
    assert load_yaml("a: [1, 2]\nb: text\n") == {"a": [1, 2], "b": "text"}


def test_it_reads_every_document():
    assert load_yaml_all("a: 1\n---\nb: 2\n") == [{"a": 1}, {"b": 2}]


def test_it_refuses_python_tags():
    with pytest.raises(YAMLInputError, match="Not valid YAML"):
        load_yaml("!!python/object/apply:os.system ['true']")


def test_it_refuses_aliases_so_alias_bombs_cannot_expand():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n'
    with pytest.raises(YAMLInputError, match="aliases are not accepted"):
        load_yaml(bomb)


def test_it_refuses_deep_nesting():
    with pytest.raises(YAMLInputError, match="nested"):
        load_yaml("[" * 200 + "]" * 200)


def test_it_refuses_oversized_text():
    with pytest.raises(YAMLInputError, match="limit is 100"):
        load_yaml("a: " + "x" * 200, max_bytes=100)


def test_it_says_where_the_syntax_breaks():
    with pytest.raises(YAMLInputError, match="line 2"):
        load_yaml("a: 1\nb: c: d\n")


def test_it_refuses_bytes_that_are_not_utf8():
    with pytest.raises(YAMLInputError, match="UTF-8"):
        load_yaml(b"a: \xff\xfe")


@pytest.mark.parametrize("text", ["built: 2001-13-45\n", "ratio: !!float abc\n", "when: !!timestamp 0000-00-00\n"])
def test_a_value_python_cannot_build_is_the_modules_own_error(text):
    with pytest.raises(YAMLInputError, match="cannot be read"):
        load_yaml(text)
    with pytest.raises(YAMLInputError):
        load_yaml_all("a: 1\n---\n" + text)
