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


GROUPED = [
    ("", "Choose"),
    ("Status <x>", [("s:1", "Open"), ("s:2", "Closed")]),
    ("Theme", [("t:1", "A & B")]),
]


class _GroupedForm(forms.Form):
    plain = forms.ChoiceField(choices=GROUPED, required=False)
    long = forms.ChoiceField(choices=GROUPED, required=False, widget=LongSelect)


def _groups(html: str) -> list[tuple[str, list]]:
    found = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', html, flags=re.S)
    return [(label, _options(inner)) for label, inner in found]


def test_long_select_renders_groups_as_djangos_select_does():
    for data in (None, {"plain": "s:2", "long": "s:2"}):
        form = _GroupedForm(data)

        plain, long = str(form["plain"]), str(form["long"])

        assert _groups(long) == _groups(plain)
        assert [label for label, _ in _groups(long)] == ["Status &lt;x&gt;", "Theme"]
        assert _options(long) == _options(plain)


def test_long_select_with_kept_options_renders_what_rendering_them_gives():
    values = [("", "Any"), ("a&b", "A & B"), ('q"1', "Quoted"), ("2", "Two"), ("12", "Twelve")]
    fresh = LongSelect(choices=values)
    kept_html = fresh.unselected_options()
    kept = LongSelect(choices=[("x", "never read")])
    kept.rendered_options = lambda: kept_html

    for value in (None, "", "a&b", 'q"1', "2", "12", "absent"):
        assert kept.render("f", value) == fresh.render("f", value)
    assert _options(kept.render("f", "2")) == [
        ("", False, "Any"),
        ("a&amp;b", False, "A &amp; B"),
        ("q&quot;1", False, "Quoted"),
        ("2", True, "Two"),
        ("12", False, "Twelve"),
    ]
