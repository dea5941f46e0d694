"""Two small recommendation sets with real UPR-like asks, addressed to States (the State under review)."""

import datetime

import pytest

from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation, Source


def _rec(source, ref, text, addressee, visibility=Visibility.PUBLIC, restricted_to=()):
    r = Recommendation.objects.create(source=source, reference=ref, text=text, visibility=visibility)
    r.addressees.set([addressee])
    r.restricted_to.set(restricted_to)
    return r


@pytest.fixture
def sets(orgs) -> dict:
    old = Source.objects.create(symbol="A/HRC/8/1", title="First review", date=datetime.date(2008, 5, 1))
    new = Source.objects.create(symbol="A/HRC/20/1", title="Second review", date=datetime.date(2012, 5, 1))
    alb, sen = orgs["ALB"], orgs["SEN"]
    recs = {
        "old_opcat": _rec(
            old, "67.1", "Ratify the Optional Protocol to the Convention against Torture (France).", alb
        ),
        "old_crpd": _rec(old, "67.2", "Ratify CRPD (Azerbaijan).", alb),
        "old_crpd2": _rec(old, "67.3", "Sign and ratify CRPD and its Optional Protocol (Spain).", alb),
        "old_nhri": _rec(
            old,
            "67.4",
            "Establish a national human rights institution in line with the Paris Principles (Chile).",
            alb,
        ),
        "old_death": _rec(
            old,
            "67.5",
            "Establish a moratorium on executions with a view to abolishing the death penalty (Italy).",
            sen,
        ),
        "new_opcat": _rec(new, "90.1", "Accede to the OP-CAT (Denmark).", alb),
        "new_opcat_sen": _rec(new, "90.2", "Accede to the OP-CAT (Norway).", sen),
        "new_nhri": _rec(
            new,
            "90.3",
            "Set up a national human rights commission compliant with the Paris Principles (Peru).",
            alb,
        ),
        "new_fgm": _rec(new, "90.4", "Criminalise female genital mutilation (Ghana).", alb),
        "hidden": _rec(
            new,
            "90.5",
            "Accede to the OP-CAT quokkacode (Sweden).",
            alb,
            Visibility.RESTRICTED,
            [orgs["OTP"]],
        ),
        "members": _rec(new, "90.6", "Ratify the OP-CAT zebracode (Brazil).", alb, Visibility.MEMBERS),
    }
    return {"old": old, "new": new, **recs}
