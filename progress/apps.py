from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    """The top of the house: what is read across every app (Min side, the national view and its drill-down)
    and what fills every app at once (the demo loader, the national data generator)."""

    name = "progress"
    verbose_name = _("Progress")
