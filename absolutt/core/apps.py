from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "absolutt.core"
    label = "core"
    verbose_name = "Absolutt"
