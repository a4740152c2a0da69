"""The elderly-friendly display mode (适老化): large text and high contrast.

The choice lives in a cookie and is applied by the server, so it works
without JavaScript and on every page.
"""

from django.conf import settings

COOKIE_NAME = "display_mode"
ELDERLY = "elderly"
STANDARD = "standard"
MODES = (ELDERLY, STANDARD)
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def display_mode(request):
    return ELDERLY if request.COOKIES.get(COOKIE_NAME) == ELDERLY else STANDARD


def remember_display_mode(response, mode):
    if mode == ELDERLY:
        response.set_cookie(
            COOKIE_NAME,
            ELDERLY,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return response
