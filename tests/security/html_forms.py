"""The POST forms of an HTML page, read as a browser would send them: for tests that post what a page offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, file, ...
    value: str = ""  # what the page sends when the user changes nothing
    options: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # radios and checkboxes: the ones ticked on the page
    multiple: bool = False

    def kept(self, base: dict[str, str]) -> list[str]:
        """What the form sends when the user changes nothing (or the valid value a test gives)."""
        if self.name in base:
            return [base[self.name]]
        if self.kind in ("radio", "checkbox") or self.multiple:
            return list(self.checked)
        return [self.value]


class _Forms(HTMLParser):
    """The POST forms of a page: their action and fields, with the values the page would send as it is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, FormField]]] = []
        self._fields: dict[str, FormField] | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = {} if a.get("method", "get").lower() == "post" else None
            if self._fields is not None:
                self.forms.append((a.get("action", ""), self._fields))
        if self._fields is None or (tag not in ("input", "select", "option", "textarea", "button")):
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            current = self._fields.get(name)
            if kind in ("radio", "checkbox"):
                entry = current or FormField(name, kind, multiple=kind == "checkbox")
                entry.options.append(a.get("value", "on"))
                if "checked" in a:
                    entry.checked.append(a.get("value", "on"))
                self._fields[name] = entry
            elif kind not in ("submit", "button", "image", "reset"):
                self._fields[name] = FormField(name, kind, a.get("value", ""))
        elif tag == "button" and name:
            self._fields.setdefault(name, FormField(name, "button", a.get("value", "")))
        elif tag == "select" and name:
            self._select = self._fields[name] = FormField(name, "select", multiple="multiple" in a)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            if value is not None:
                self._select.options.append(value)
                if "selected" in a:
                    self._select.checked.append(value)
                    self._select.value = value
                elif not self._select.value and not self._select.checked:
                    self._select.value = value  # a browser sends the first option when none is selected
        elif tag == "textarea" and name:
            self._textarea = self._fields[name] = FormField(name, "textarea")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            # A browser drops one line break right after <textarea>.
            self._textarea.value += data if self._textarea.value else data.removeprefix("\r").removeprefix("\n")


def form_fields(html: str, page_path: str, post_path: str) -> dict[str, FormField] | None:
    parser = _Forms()
    parser.feed(html)
    for action, fields in parser.forms:
        if (urlsplit(action).path or page_path) == post_path:
            return fields
    return None
