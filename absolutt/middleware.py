class NorwegianByDefaultMiddleware:
    """The interface is Norwegian Bokmål unless the person chose English (the language cookie, set by the
    language switch and by "Mine innstillinger"). A browser's Accept-Language alone does not switch a
    Norwegian public service to English, so this runs before Django's LocaleMiddleware and hides it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
