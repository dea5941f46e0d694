"""Form widgets shared by the apps."""

from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeData, SafeString, mark_safe

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class IsoDateInput(forms.DateInput):
    """A browser date picker (`type=date`). Its value must be ISO (2026-12-10) in every language: the
    browser drops anything else, so a French page would post the date back empty. Django parses ISO
    in every language (ISO_INPUT_FORMATS are always accepted)."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class IsoDateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker (`type=datetime-local`), ISO in every language (see IsoDateInput)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME)


class LongSelect(forms.Select):
    """A single <select> for long lists (thousands of sources or sections on a filter bar).

    Django renders every <option> through its own template, about 40 µs each: 100 ms a page for 2,600
    sources. This joins the options in Python instead, with the same markup, escaping and `selected`
    rule; groups become <optgroup> as in Django's own widget.
    """

    # A callable giving every option rendered with none selected (kept between requests, e.g. with
    # core.reference's ReferenceRows.derived); None renders them from `choices` each time.
    rendered_options: Callable[[], str] | None = None

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        if self.rendered_options is not None:
            options = self.select_in(self.rendered_options(), selected)
        else:
            options = "".join(self._options(self.choices, selected))
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>\n{options}</select>')  # noqa: S308

    def unselected_options(self) -> str:
        """Every option with none selected: what `rendered_options` keeps."""
        return "".join(self._options(self.choices, set()))

    @staticmethod
    def select_in(options: str, selected: set[str]) -> str:
        """`options` (rendered by _options, none selected) with those of these values selected: the same
        markup as rendering them with `selected`."""
        for value in selected:
            plain = f'<option value="{escape(value)}">'
            options = options.replace(plain, f'<option value="{escape(value)}" selected>')
        return options

    def _options(self, choices: Iterable, selected: set[str]) -> Iterable[str]:
        for option_value, label in choices:
            if isinstance(label, list | tuple):  # a group: (group label, [(value, label), …])
                yield f'  <optgroup label="{escape(str(option_value))}">\n'
                yield from self._options(label, selected)
                yield "  </optgroup>\n"
                continue
            option_value = "" if option_value is None else str(option_value)
            mark = " selected" if option_value in selected else ""
            label = label if isinstance(label, SafeData) else escape(str(label))
            yield f'  <option value="{escape(option_value)}"{mark}>{label}</option>\n'


class FindableSelect(LongSelect):
    """A LongSelect that can show only some options, with a "find" box beside it.

    When a list is too long to render or scroll (thousands of sources), the field shows a few options
    and sets `finding`: the box then asks `find_url` (htmx) for the matching options while the user
    types, and replaces the select's options with them. Without JavaScript the box is an ordinary field
    of the form: Apply reloads the page with the matching options.
    """

    finding = False
    find_name = ""
    find_value = ""
    find_url = ""
    find_label = ""
    find_help = ""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        if not self.finding:
            return super().render(name, value, attrs, renderer)
        attrs = dict(attrs or {})
        select_id = attrs.get("id") or f"id_{name}"
        box_id, help_id = f"{select_id}_find", f"{select_id}_find_help"
        attrs["aria-describedby"] = help_id
        box = flatatt(
            {
                "type": "search",
                "name": self.find_name,
                "id": box_id,
                "value": self.find_value,
                "maxlength": "200",
                "autocomplete": "off",
                "aria-describedby": help_id,
                "hx-get": self.find_url,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": f"#{select_id}",
                "hx-swap": "innerHTML",
                "hx-include": f"#{select_id}",
                # htmx lets attributes be inherited: not the list form's "not source_q" or pushed URL
                "hx-params": "*",
                "hx-push-url": "false",
            }
        )
        return mark_safe(  # noqa: S308 — every part is escaped above or by flatatt
            f"{super().render(name, value, attrs, renderer)}\n"
            f'<label for="{escape(box_id)}" class="find-label">{escape(str(self.find_label))}</label>\n'
            f"<input{box}>\n"
            f'<p class="help" id="{escape(help_id)}">{escape(str(self.find_help))}</p>'
        )

    def options_html(self, value: Any) -> SafeString:
        """The <option> elements alone: what the find box swaps into the select."""
        selected = {str(v) for v in self.format_value(value)}
        return mark_safe("".join(self._options(self.choices, selected)))  # noqa: S308 — escaped in _options
