"""A piece of work's state as badges, and a cell of the mellomarbeid matrix: written in Python (a round's
matrix has hundreds of cells, and the same markup from a template per cell made it the page's main cost)."""

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from absolutt.core.markup import escape

register = template.Library()


@register.simple_tag
def status_badges(cell) -> SafeString:
    """``{% status_badges cell %}``: the status in words, and marks for overdue, late, an extension (its due
    time as a tooltip) and an extension requested."""
    out = [f'<span class="badge status-{escape(cell.status)}">{escape(cell.status_label)}</span>']
    if cell.is_overdue:
        out.append(f' <span class="badge text-bg-danger"><i class="bi bi-alarm" aria-hidden="true"></i> '
                   f'{escape(_("overdue"))}</span>')
    if cell.is_late:
        out.append(f' <span class="badge text-bg-warning">{escape(_("late"))}</span>')
    if cell.has_extension:
        out.append(f' <span class="badge text-bg-secondary" title="{escape(date_format(localtime(cell.due_at), "j.n.Y H:i"))}">'
                   f'{escape(_("extension"))}</span>')
    if cell.pending_extension:
        out.append(f' <span class="badge text-bg-light border">{escape(_("extension requested"))}</span>')
    return mark_safe("".join(out))  # every value went through escape()


@register.simple_tag
def matrix_cell(cell, participant) -> SafeString:
    """``{% matrix_cell c p %}``: the inside of one matrix cell: a link to the submission with the badges, and
    how often and when it was last reminded."""
    url = reverse("interwork:submission_detail", args=[cell.assignment.pk, participant.pk])
    out = [f'<a class="text-decoration-none" href="{escape(url)}">{status_badges(cell)}<span class="visually-hidden">'
           f" – {escape(participant.name)}, {escape(cell.assignment.title)}</span></a>"]
    if cell.reminders:
        last = date_format(localtime(cell.last_reminded), "j.n.")
        text = ngettext("reminded once, %(last)s", "reminded %(n)s times, last %(last)s", cell.reminders) % {
            "n": cell.reminders, "last": last}
        out.append(f'<div class="small text-body-secondary">{escape(text)}</div>')
    return mark_safe("".join(out))  # every value went through escape()
