from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from absolutt import access, tables

from . import exports

FORMATS = {
    "xlsx": (exports.registrations_xlsx, tables.XLSX_TYPE),
    "csv": (exports.registrations_csv, tables.CSV_TYPE),
}


@login_required
def registrations_export(request, pk, fmt):
    """Registration and attendance list for organisers (it holds dietary and accessibility needs)."""
    if fmt not in FORMATS:
        raise Http404
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    build, content_type = FORMATS[fmt]
    name = tables.filename("deltakerliste", gathering.title, f"{timezone.localtime(gathering.starts_at):%Y-%m-%d}",
                           ext=fmt)
    return tables.download(build(gathering), name=name, content_type=content_type)
