import re

from django import forms

from coopreview.core.widgets import LongSelect

CHOICES = [("", "Any"), ("1", 'A <b>"bold"</b> & co'), ("2", "Plain")]


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    long = forms.ChoiceField(choices=CHOICES, required=False, widget=LongSelect)


def _options(html: str) -> list[tuple[str, bool, str]]:
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    return [(value, bool(selected), label) for value, selected, label in found]


def test_long_select_renders_the_same_options_as_select():
    for data in (None, {"plain": "1", "long": "1"}, {"plain": "2", "long": "2"}):
        form = _Form(data)

        plain, long = str(form["plain"]), str(form["long"])

        assert _options(long) == _options(plain)
        assert long.startswith('<select name="long" id="id_long">')


def test_long_select_escapes_labels_and_marks_one_selected():
    html = str(_Form({"long": "1"})["long"])

    assert "&lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; co" in html
    assert html.count(" selected") == 1
