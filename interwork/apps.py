from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterworkConfig(AppConfig):
    name = "interwork"
    verbose_name = _("Mellomarbeid")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal handlers)
