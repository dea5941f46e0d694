"""Helpers for tests across apps: valid HTML, accessibility checks in the browser, signing in."""

from pathlib import Path

import html5lib
from django.test import Client

AXE_JS = Path(__file__).resolve().parent / "tests" / "vendor" / "axe.min.js"


def assert_valid_html(content: bytes | str) -> None:
    """Parse with html5lib in strict mode: any parse error (bad nesting, stray end tag…) fails."""
    if isinstance(content, bytes):
        content = content.decode()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(content)
    ids = [el.get("id") for el in parser.parse(content).iter() if el.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core (vendored) on the page; fail on serious or critical violations."""
    # Evaluated through the DevTools protocol: the page's strict CSP (no inline script) stays in force.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.axe = axe; undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"accessibility violations {context}: " + "; ".join(
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]})" for v in bad
    )


def sign_in(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").last.click()
    page.wait_for_load_state()


def post_with_token(page, url: str, data: dict) -> int:
    """POST as the signed-in browser user, bypassing the page's forms (to prove the server refuses)."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(page.base_url + url, form={**data, "csrfmiddlewaretoken": token})
    return response.status


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ISO_VALUE = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?",
    "time": r"\d{2}:\d{2}(:\d{2})?",
    "month": r"\d{4}-\d{2}",
}


def form_values(content: bytes | str, *, field: str) -> dict[str, list[str]]:
    """What a browser would post, unchanged, from the first form that has a field named `field`.

    Like a browser, a date or time input whose value is not ISO is posted empty: that is how a
    localised "10/12/2026" silently erased dates."""
    import re

    if isinstance(content, bytes):
        content = content.decode()
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(content)
    forms = [f for f in tree.iter("form") if any(el.get("name") == field for el in f.iter())]
    assert forms, f"no form with a field {field!r}"
    data: dict[str, list[str]] = {}
    for el in forms[0].iter():
        name = el.get("name")
        if not name or el.get("disabled") is not None:
            continue
        if el.tag == "input":
            kind = (el.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                continue
            if kind in ("checkbox", "radio") and el.get("checked") is None:
                continue
            value = el.get("value") or ("on" if kind in ("checkbox", "radio") else "")
            if kind in ISO_VALUE and not re.fullmatch(ISO_VALUE[kind], value):
                value = ""
            data.setdefault(name, []).append(value)
        elif el.tag == "textarea":
            data.setdefault(name, []).append((el.text or "").removeprefix("\n"))
        elif el.tag == "select":
            options = list(el.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None]
            if not chosen and options and el.get("multiple") is None:
                chosen = options[:1]
            for o in chosen:
                data.setdefault(name, []).append(o.get("value", o.text or ""))
    return data
