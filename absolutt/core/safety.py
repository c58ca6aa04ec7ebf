"""Guards for things that must never run against production data."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class RefusedInProduction(ImproperlyConfigured):
    pass


def refuse_in_production(what: str) -> None:
    """Demo logins have a public password and generated data would mix with real people's: both refuse to run
    under the production settings, whatever the flags."""
    if getattr(settings, "ABSOLUTT_PRODUCTION", False):
        raise RefusedInProduction(f"{what} refuses to run under production settings.")
