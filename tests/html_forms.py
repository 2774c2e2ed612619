"""Reading a page's forms as a browser would: the values it would submit per form, and the text by id
(the errors next to fields, the summary at the top). Used by the forms-keep-input tests of every app."""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The values a browser would submit (and show) per form id: inputs, textareas, selected options;
    and the text of every element by id (for the errors next to fields)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms, self.texts = {}, {}
        self._form, self._textarea, self._select, self._option = None, None, None, None
        self._open_ids = []  # (tag, id) of elements whose text is being collected
        self.feed(html)

    def _values(self):
        return self.forms.setdefault(self._form, {})

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self._open_ids.append((tag, a["id"]))
            self.texts.setdefault(a["id"], "")
        if tag == "form":
            self._form = a.get("id") or a.get("action")
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._values().setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind != "file":
                self._values()[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._values()[self._textarea] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            if "selected" in a:
                self._values()[self._select] = a.get("value")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        for i in range(len(self._open_ids) - 1, -1, -1):
            if self._open_ids[i][0] == tag:
                del self._open_ids[i]
                break

    def handle_data(self, data):
        if self._textarea:
            self._values()[self._textarea] += data.lstrip("\n") if not self._values()[self._textarea] else data
        for _, element_id in self._open_ids:
            self.texts[element_id] += data


def read(response):
    return FormReader(response.content.decode())


def assert_kept(page: FormReader, form_id: str, typed: dict):
    values = page.forms.get(form_id)
    assert values is not None, f"no form {form_id!r} on the page: {sorted(k for k in page.forms if k)}"
    for name, value in typed.items():
        assert values.get(name) == value, (name, values.get(name), value)


def assert_error_next_to(page: FormReader, field_id: str, text: str):
    error = page.texts.get(f"{field_id}_error")
    assert error is not None, f"no error next to {field_id}"
    assert text.lower() in error.lower(), error


def assert_summary(page: FormReader, summary_id: str, text: str):
    summary = page.texts.get(summary_id, "")
    assert text.lower() in summary.lower(), summary
