"""Precision and recall of the free-text tagger on the hand-labelled answers kept with the tests.

.venv/bin/python bench/tagger_quality.py [--misses]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessor.yamlsafe import load_yaml  # noqa: E402
from reports.tagging import read_vocabulary, tag_text, tagging_quality  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "tagging" / "labelled.yaml"


def main() -> None:
    bodies = [(body["text"], body["tags"]) for body in load_yaml(LABELLED.read_bytes())["bodies"]]
    vocabulary = read_vocabulary()
    quality = tagging_quality(bodies, vocabulary)
    print(f"vocabulary {vocabulary.version}, {quality.bodies} bodies")
    counts = (quality.true_positives, quality.false_positives, quality.false_negatives)
    print("true positives {}, false positives {}, false negatives {}".format(*counts))
    print(f"precision {quality.precision:.3f}")
    print(f"recall    {quality.recall:.3f}")
    if "--misses" in sys.argv:
        for text, expected in bodies:
            got = {f"{tag.kind}:{tag.value}" for tag in tag_text(text, vocabulary)}
            if got != set(expected):
                print(f"\n{text.strip()[:80]!r}\n  extra {sorted(got - set(expected))}\n  missing {sorted(set(expected) - got)}")


if __name__ == "__main__":
    main()
