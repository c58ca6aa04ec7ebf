"""``{% round_table rounds caption %}``: the table of rounds (Min side, the round list, a region's page)."""

from django import template

from absolutt.core import fragments
from programmes.selectors import rounds_for_list

register = template.Library()


@register.simple_tag
def round_table(rounds, caption):
    """The table of ``rounds`` (the rounds the viewer may see, a queryset), kept as a fragment under the data's
    version for everyone who sees the same rounds (``absolutt.core.fragments``): its figures are read only when
    it is not in the cache."""
    context = {"rounds": fragments.lazy(lambda: rounds_for_list(rounds)), "caption": caption}
    return fragments.render("includes/round_table.html", context, scope=[fragments.ids(rounds), str(caption)])
