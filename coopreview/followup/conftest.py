"""Fixtures of the follow-up tests: recommendations addressed to the Court, the Assembly or both."""

import pytest

from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation
from coopreview.recommendations.services import section_get_or_create_path


@pytest.fixture
def recs(orgs, source) -> dict[str, Recommendation]:
    cluster = section_get_or_create_path(source=source, titles=["Cooperation with OTP"])

    def rec(ref: str, addressees: list[str], visibility: str = Visibility.PUBLIC, **extra) -> Recommendation:
        r = Recommendation.objects.create(
            source=source,
            reference=ref,
            text=f"Recommendation {ref} on cooperation.",
            section=cluster,
            visibility=visibility,
            **extra,
        )
        r.addressees.set([orgs[c] for c in addressees])
        return r

    hidden = rec("999", ["OTP"], Visibility.RESTRICTED, text_fr="")
    hidden.text = "Restricted wombatcode recommendation."
    hidden.save()
    hidden.restricted_to.set([orgs["OTP"]])
    return {
        "both": rec("274", ["ASP", "ICC"]),
        "otp": rec("272", ["OTP"]),
        "registry": rec("279", ["REGISTRY"]),
        "assembly": rec("284", ["ASP"]),
        "hidden": hidden,
    }


@pytest.fixture
def fac_flag(orgs) -> PriorityFlag:
    return PriorityFlag.objects.create(name="Facilitation priority", colour="#F4B183", owner=orgs["FAC-COOP"])
