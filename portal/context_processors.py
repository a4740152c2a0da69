from .models import SiteSettings


def site(request):
    """The editable site settings, for the header and footer of every page."""
    return {"site_settings": SiteSettings.current()}
