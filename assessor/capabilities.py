"""The capability domains of the CNCF Platforms White Paper (assessor/data/capabilities.yaml), read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assessor.datafiles import DataFileInvalid, duplicates, problem, read_data_file

CAPABILITIES_FILE = Path(__file__).resolve().parent / "data" / "capabilities.yaml"
SCHEMA_FILE = CAPABILITIES_FILE.parent / "capabilities.schema.json"


@dataclass(frozen=True)
class CapabilityDomain:
    key: str
    name: str
    description: str
    examples: tuple[str, ...] = ()


@cache
def read_capabilities(path: Path = CAPABILITIES_FILE) -> tuple[CapabilityDomain, ...]:
    """The domains of a capabilities file, in its order; DataFileInvalid when the file breaks its schema."""
    data = read_data_file(path, SCHEMA_FILE)
    repeated = duplicates([domain["key"] for domain in data["domains"]])
    if repeated:
        raise DataFileInvalid(problem(("domains",), f"keys must be unique; repeated: {', '.join(repeated)}"), source=path)
    return tuple(
        CapabilityDomain(
            key=domain["key"],
            name=domain["name"].strip(),
            description=domain["description"].strip(),
            examples=tuple(domain.get("examples", ())),
        )
        for domain in data["domains"]
    )


def capability_keys() -> tuple[str, ...]:
    """The keys of the bundled file's domains: what other data files may name."""
    return tuple(domain.key for domain in read_capabilities())
