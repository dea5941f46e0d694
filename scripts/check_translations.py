"""Fail if any user-facing string lacks its French translation (run after `makemessages`)."""

import glob
import sys

import polib

problems = []
for path in sorted(glob.glob("coopreview/*/locale/fr/LC_MESSAGES/django.po")):
    for entry in polib.pofile(path):
        if entry.obsolete:
            continue
        if not entry.translated() or "fuzzy" in entry.flags:
            problems.append(f"{path}: {entry.msgid!r}")
print("\n".join(problems) or "French translations complete.")
sys.exit(1 if problems else 0)
