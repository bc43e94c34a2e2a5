"""Question banks (instruments) as versioned data: the checked dataclasses and the file reader."""

from surveys.instruments.parse import parse_instrument, read_instrument_file
from surveys.instruments.spec import (
    ASPECTS,
    CHOICE_TYPES,
    LEVEL_NAMES,
    QUESTION_TYPES,
    ROLE_LABELS,
    ROLES,
    SCALE_RANGE,
    InstrumentError,
    InstrumentSpec,
    OptionSpec,
    QuestionSpec,
    SectionSpec,
    ShowIf,
)

__all__ = [
    "ASPECTS",
    "CHOICE_TYPES",
    "LEVEL_NAMES",
    "QUESTION_TYPES",
    "ROLES",
    "ROLE_LABELS",
    "SCALE_RANGE",
    "InstrumentError",
    "InstrumentSpec",
    "OptionSpec",
    "QuestionSpec",
    "SectionSpec",
    "ShowIf",
    "parse_instrument",
    "read_instrument_file",
]
