from django.conf import settings


def platform(request):
    return {"SITE_NAME": "Absolutt", "LANGUAGES": settings.LANGUAGES}
