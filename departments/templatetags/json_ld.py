"""schema.org JSON-LD of a structure page, for the public templates (``portal.jinja2``)."""

from departments.structured_data import json_ld_script, organization


def department_json_ld(department, request):
    return json_ld_script(organization(department, request))
