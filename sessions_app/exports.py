"""Registration and attendance lists as XLSX and CSV, for the venue and the caterer (``absolutt.tables``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from absolutt import tables

from .models import Gathering, Registration


def registrations_sheet(gathering: Gathering) -> tables.Sheet:
    sheet = tables.Sheet(
        title=_("Registrations"),
        heading=f"{gathering.title} – {timezone.localtime(gathering.starts_at):%d.%m.%Y}",
        columns=[tables.Column(_("Municipality")), tables.Column(_("Name")), tables.Column(_("E-mail address")),
                 tables.Column(_("Title")), tables.Column(_("Role category")), tables.Column(_("Status")),
                 tables.Column(_("Dietary needs")), tables.Column(_("Accessibility needs")),
                 tables.Column(_("Attended"))],
    )
    registrations = (
        gathering.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("participant__municipality", "participant__county")
        .order_by("participant__municipality__short_name", "participant__county__name", "status", "name")
    )
    attended = {True: _("Yes"), False: _("No"), None: ""}
    for r in registrations:
        sheet.add([r.participant.name, r.name, r.email, r.title, r.get_role_category_display(), r.get_status_display(),
                   r.dietary_needs, r.accessibility_needs, attended[r.attended]])
    return sheet


def registrations_xlsx(gathering: Gathering) -> bytes:
    return tables.xlsx([registrations_sheet(gathering)])


def registrations_csv(gathering: Gathering) -> bytes:
    return tables.csv_bytes(registrations_sheet(gathering))
