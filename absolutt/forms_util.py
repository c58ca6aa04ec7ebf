from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form, Select, Widget
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from absolutt.core.markup import escape as _escape


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their field when the form has it,
    everything else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_page(request: HttpRequest, form: Form, *, save: Callable[[dict], Any], message: str | Callable[[Any], str],
              heading: str, cancel_url: str, done: Any = None, **context: Any) -> HttpResponse:
    """The one flow of a form page (``form_page.html``): on a valid POST ``save(cleaned_data)`` calls the
    service; its ValidationError is shown on the form (``add_service_errors``); on success ``message`` (a
    text, or a function of what ``save`` returned) is shown and the browser goes to ``done`` (a URL or an
    object with ``get_absolute_url``, or a function of what ``save`` returned; by default what it returned).
    Otherwise, and after an error, the page with the form, its heading, a cancel link and ``context``."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message(saved) if callable(message) else message)
            target = done(saved) if callable(done) else (done if done is not None else saved)
            return redirect(target)
    return render(request, "form_page.html", {"form": form, "heading": heading, "cancel_url": cancel_url, **context})


class LongSelect(Select):
    """A select with hundreds of options (every core group member of a round): the same element as Django's
    ``Select``, written here in Python. Django's own builds a dictionary per option and renders each through a
    template include, which made the samling page's registration form its most expensive part."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = Widget.get_context(self, name, value, attrs)["widget"]  # without the option dictionaries
        values = set(widget["value"])
        attributes = "".join(f" {_escape(k)}" if v is True else f' {_escape(k)}="{_escape(v)}"'
                             for k, v in widget["attrs"].items() if v is not False)
        parts = [f'<select name="{_escape(widget["name"])}"{attributes}>']
        has_selected = False
        for group_value, group_label in self.choices:
            group = isinstance(group_label, (list, tuple))
            if group:
                parts.append(f'<optgroup label="{_escape(group_value)}">')
            for option_value, label in (group_label if group else [(group_value, group_label)]):
                option_value = "" if option_value is None else str(option_value)
                selected = not has_selected and option_value in values
                has_selected |= selected
                parts.append(f'<option value="{_escape(option_value)}"{" selected" if selected else ""}>'
                             f"{_escape(label)}</option>")
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every value and label went through _escape

