from django.utils.cache import patch_vary_headers

from .display import display_mode


class DisplayModeMiddleware:
    """Tells templates which display mode the visitor chose, and caches that pages vary by it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.display_mode = display_mode(request)
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        return response
