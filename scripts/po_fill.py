"""Developer helper: fill French msgstr entries from a Python dict file (FR = {...}).

Keys are msgids, or "[context] msgid" for pgettext; a list value gives the plural forms.
Usage: python scripts/po_fill.py TRANSLATIONS.py [PO_FILE ...]   (needs `pip install polib`)
"""

import glob
import runpy
import sys

import polib


def main() -> int:
    table = runpy.run_path(sys.argv[1])["FR"]
    files = sys.argv[2:] or glob.glob("coopreview/*/locale/fr/LC_MESSAGES/django.po")
    missing = 0
    for path in files:
        po = polib.pofile(path)
        for entry in po:
            key = f"[{entry.msgctxt}] {entry.msgid}" if entry.msgctxt else entry.msgid
            if key in table:
                value = table[key]
                if entry.msgid_plural:
                    forms = value if isinstance(value, list) else [value, value]
                    entry.msgstr_plural = {0: forms[0], 1: forms[1]}
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            elif not entry.translated():
                missing += 1
                print(f"untranslated in {path}: {key!r}")
        po.save(path)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
