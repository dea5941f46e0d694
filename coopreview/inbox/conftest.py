from coopreview.followup.conftest import fac_flag, recs  # noqa: F401 — shared fixtures of the follow-up
