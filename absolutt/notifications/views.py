"""The outbox page: e-mails that failed or wait, with the reason, and "send again". For the national lead
(and superusers), who may see every recipient. Like the national pages, it is not about one object that the
person might not know of, so everyone else who is signed in gets 403 (``absolutt/access.py``), before any row
is looked up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from absolutt import access

from . import selectors, services


def _require_outbox_access(user) -> None:
    if not access.can_manage_programme_settings(user):
        raise PermissionDenied


@login_required
@require_GET
def outbox(request):
    _require_outbox_access(request.user)
    show = request.GET.get("vis", "failed")
    if show not in selectors.OUTBOX_VIEWS:
        show = "failed"
    page = Paginator(selectors.outbox_rows(show), 100).get_page(request.GET.get("side"))
    return render(request, "notifications/outbox.html", {
        "page": page, "show": show, "views": selectors.OUTBOX_VIEWS, "counts": selectors.outbox_counts(),
    })


@login_required
@require_POST
def outbox_retry(request, pk):
    _require_outbox_access(request.user)
    if services.email_retry(email_id=pk):
        messages.success(request, _("The e-mail will be sent again."))
    else:
        messages.warning(request, _("That e-mail is being sent or has been sent."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "notifications:outbox"  # only back to this site's own pages
    return redirect(back)
