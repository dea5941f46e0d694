from coopreview.accounts.models import Organisation
from coopreview.accounts.services import organisations_load_reference_data


def test_reference_data_loads_idempotently_with_iso_codes(db):
    first = organisations_load_reference_data()
    second = organisations_load_reference_data()

    assert first > 100 and second == 0
    senegal = Organisation.objects.get(code="SEN")
    assert senegal.iso_alpha2 == "SN" and senegal.name_fr == "Sénégal" and senegal.is_state_party
    assert Organisation.objects.get(code="OTP").parent.code == "ICC"
    assert not Organisation.objects.get(code="HUN").is_state_party  # withdrawal effective 2 June 2026
