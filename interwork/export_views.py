from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from absolutt import access, tables

from . import exports, selectors


def _participants(request, round_):
    return access.visible_participants(request.user).filter(round=round_).order_by("municipality__short_name", "county__name")


@login_required
def matrix_export(request, round_pk, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    round_ = access.get_round_for_user(request.user, round_pk)
    if not access.can_see_round_results(request.user, round_):
        raise PermissionDenied
    m = selectors.matrix(round_, _participants(request, round_))
    if fmt == "xlsx":
        body, ctype = exports.matrix_xlsx(m, round_.title), tables.XLSX_TYPE
    else:
        body, ctype = exports.matrix_csv(m), tables.CSV_TYPE
    return tables.download(body, name=tables.filename("mellomarbeid", round_.title, ext=fmt), content_type=ctype)


@login_required
def submissions_zip(request, round_pk):
    round_ = access.get_round_for_user(request.user, round_pk)
    if not access.can_see_round_results(request.user, round_):
        raise PermissionDenied
    return tables.download(exports.submissions_zip(round_, _participants(request, round_)),
                           name=tables.filename("innleveringer", round_.title, ext="zip"), content_type="application/zip")
