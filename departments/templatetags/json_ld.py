"""``{% department_json_ld department %}``: schema.org JSON-LD for a structure page."""

from django import template

from departments.structured_data import json_ld_script, organization

register = template.Library()


@register.simple_tag(takes_context=True)
def department_json_ld(context, department):
    return json_ld_script(organization(department, context["request"]))
