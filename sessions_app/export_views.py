from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from absolutt import access

from . import exports

FORMATS = {
    "xlsx": (exports.registrations_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (exports.registrations_csv, "text/csv; charset=utf-8"),
}


@login_required
def registrations_export(request, pk, fmt):
    """Registration and attendance list for organisers (it holds dietary and accessibility needs)."""
    if fmt not in FORMATS:
        raise Http404
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    build, content_type = FORMATS[fmt]
    response = HttpResponse(build(gathering), content_type=content_type)
    name = slugify(f"{gathering.title}-{timezone.localtime(gathering.starts_at):%Y-%m-%d}") or f"samling-{gathering.pk}"
    response["Content-Disposition"] = f'attachment; filename="deltakerliste-{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
