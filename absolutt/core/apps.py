from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import freshness


class CoreConfig(AppConfig):
    name = "absolutt.core"
    label = "core"
    verbose_name = "Absolutt"

    def ready(self) -> None:
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(freshness.on_domain_write, dispatch_uid=f"freshness-{signal!r}")
        request_started.connect(freshness.request_started, dispatch_uid="freshness-request-started")
        request_finished.connect(freshness.request_finished, dispatch_uid="freshness-request-finished")
