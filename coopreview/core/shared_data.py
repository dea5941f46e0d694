"""Where the project's shared data lives (real UN documents and the seed letter, not in the repository).

Looked up in order: $COOPREVIEW_SHARED_DIR; a `shared/` folder beside the checkout (as CI lays it
out); /work/shared (the development machines).
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def shared_dir() -> Path:
    candidates = [os.environ.get("COOPREVIEW_SHARED_DIR", ""), REPO_ROOT.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "data").is_dir():
            return Path(candidate)
    return Path("/work/shared")  # callers report the missing file by its full path


def upr_dir() -> Path:
    return shared_dir() / "data" / "upr"


def seed_letter() -> Path:
    return shared_dir() / "seeds" / "000_75c2fcb097bf0fcf.txt"
