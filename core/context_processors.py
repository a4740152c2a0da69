from .models import SiteSettings


def site(request):
    """The editable site settings, for the header and footer of every page: those the view
    read with its own query (``request.site_settings``, see ``departments.lookup``),
    or else read now."""
    return {"site_settings": getattr(request, "site_settings", None) or SiteSettings.current()}
