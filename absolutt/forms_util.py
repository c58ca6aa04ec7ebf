from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


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
