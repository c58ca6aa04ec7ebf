from django.conf import settings

from absolutt import access


def platform(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": "Absolutt",
        "LANGUAGES": settings.LANGUAGES,
        "can_see_national": access.can_see_national(user),
    }
