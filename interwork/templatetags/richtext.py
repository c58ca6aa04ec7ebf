import markdown
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code", "pre", "hr"}


@register.filter
def richtext(value: str) -> str:
    """Markdown rendered to HTML, then cleaned with nh3 (Ammonia): no scripts, no styles, no event handlers;
    links get rel="noopener noreferrer"."""
    html = markdown.markdown(value or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                               url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer"))
