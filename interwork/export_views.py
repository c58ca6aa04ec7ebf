from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.text import slugify

from absolutt import access

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
        body, ctype = exports.matrix_xlsx(m, round_.title), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = exports.matrix_csv(m), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="mellomarbeid-{slugify(round_.title)}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def submissions_zip(request, round_pk):
    round_ = access.get_round_for_user(request.user, round_pk)
    if not access.can_see_round_results(request.user, round_):
        raise PermissionDenied
    response = HttpResponse(exports.submissions_zip(round_, _participants(request, round_)), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="innleveringer-{slugify(round_.title)}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response
