"""A readable, field-by-field comparison of two revisions of a department.

Each revision holds the draft and all its children (django-reversion's
``follow``). Children are matched across revisions by their code, so a
reordered or edited responsibility shows as changed rather than as removed
and added.
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modeltranslation.translator import NotRegistered, translator

from core.text import list_separator

from .models import Department, Institution

# Shown elsewhere or meaningless to an editor.
HIDDEN_FIELDS = {"id", "department", "government", "emblem_width", "emblem_height"}
HIDDEN_FIELDS |= {"photo_width", "photo_height"}
# The publication date is set by publishing, not edited: a revision's content is the rest.
HIDDEN_FIELDS |= {"published_at"}
# English words stay whole; Chinese is compared character by character.
TOKENS = re.compile(r"[A-Za-z0-9]+|\s+|.", re.S)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def diff(self):
        return inline_diff(self.old, self.new)


@dataclass
class ItemChange:
    """One object of the revision: the department itself or one of its children."""

    model_label: str
    name: str
    status: str  # "changed", "added" or "removed"
    fields: list = field(default_factory=list)


def inline_diff(old, new):
    """HTML of the new text with deletions in <del> and insertions in <ins>."""
    old_tokens, new_tokens = TOKENS.findall(old), TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[a1:a2]), "".join(new_tokens[b1:b2])
        if operation == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))


def _objects(version):
    """{(model, code or pk): version} for every object saved in the version's revision."""
    objects = {}
    for member in version.revision.version_set.select_related("content_type"):
        model = member.content_type.model_class()
        if model is None:
            continue
        data = member.field_dict
        key = (model, data.get("code") or member.object_id)
        objects[key] = member
    return objects


def _display(model, name, value, institution_names):
    if value is None:
        return ""
    model_field = model._meta.get_field(name)
    if model_field.many_to_many and model is Institution:
        return list_separator().join(institution_names.get(pk, str(pk)) for pk in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, datetime):
        # Versions store the same moment in different time zones.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _institution_names(objects):
    return {
        int(member.object_id): member.field_dict.get("name_en") or member.object_repr
        for (model, _code), member in objects.items()
        if model is Institution
    }


def _translated_fields(model):
    """The base names of modeltranslation's fields; their per-language columns are compared."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def _field_changes(model, old_data, new_data, names):
    changes = []
    hidden = HIDDEN_FIELDS | _translated_fields(model)
    for model_field in model._meta.get_fields():
        name = getattr(model_field, "name", None)
        if name in hidden or name not in (old_data.keys() | new_data.keys()):
            continue
        old = _display(model, name, old_data.get(name), names)
        new = _display(model, name, new_data.get(name), names)
        if old != new:
            changes.append(FieldChange(str(model_field.verbose_name), old, new))
    return changes


def compare_versions(older, newer):
    """[ItemChange, ...] turning the older revision into the newer, the department first."""
    old_objects, new_objects = _objects(older), _objects(newer)
    names = {**_institution_names(old_objects), **_institution_names(new_objects)}

    def field_data(member):
        data = dict(member.field_dict)
        # Many-to-many values come as primary keys under the field's name.
        return {key.removesuffix("_id"): value for key, value in data.items()}

    def order(key):
        model, code = key
        return (model is not Department, model._meta.verbose_name_plural, str(code))

    changes = []
    for key in sorted(old_objects.keys() | new_objects.keys(), key=order):
        model, _code = key
        old, new = old_objects.get(key), new_objects.get(key)
        label = str(model._meta.verbose_name).capitalize()
        if old and new:
            fields = _field_changes(model, field_data(old), field_data(new), names)
            if fields:
                changes.append(ItemChange(label, new.object_repr, "changed", fields))
        elif new:
            fields = _field_changes(model, {}, field_data(new), names)
            changes.append(ItemChange(label, new.object_repr, "added", fields))
        else:
            fields = _field_changes(model, field_data(old), {}, names)
            changes.append(ItemChange(label, old.object_repr, "removed", fields))
    return changes
