"""The French catalogues name the Assembly-and-Court addressee one way everywhere."""

import glob
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
BOTH = {"Assembly & Court", "Assembly and Court"}
VARIANTS = re.compile(r"Assemblée\s*(&|/|\+|et la)\s*Cour|Cour\s*(et|&)\s*(l['’])?Assemblée", re.IGNORECASE)


def test_assembly_and_court_is_one_spelling_in_french():
    seen = set()
    for path in glob.glob(str(ROOT / "*" / "locale" / "fr" / "LC_MESSAGES" / "django.po")):
        for entry in polib.pofile(path):
            if entry.msgid in BOTH:
                seen.add(entry.msgstr)
            assert not VARIANTS.search(entry.msgstr), (path, entry.msgstr)

    assert seen == {"Assemblée et Cour"}
