"""Translated fields read in bulk: the active language looked up once, not on every read.

modeltranslation's descriptor (``institution.name``) looks up the active
language and its fallbacks on every read, and that look-up costs more than
the rest of the read. A structure page prints some sixty translated texts;
``translated(Institution, "name")`` does the look-up once and returns a
function that reads, from any instance, what the descriptor would return.
"""

import functools

from modeltranslation.fields import NONE
from modeltranslation.thread_context import fallbacks_enabled
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order


def translated(model, name):
    """A function of an instance of ``model`` that returns ``instance.<name>`` in the
    active language, with modeltranslation's fallbacks as they are now."""
    return _reader(model, name, get_language(), fallbacks_enabled())


@functools.cache
def _reader(model, name, language, with_fallbacks):
    descriptor = getattr(model, name)
    undefined = descriptor.fallback_undefined
    if undefined is NONE:
        undefined = descriptor.field.get_default()
    # resolution_order() asks fallbacks_enabled() itself: it answers with_fallbacks here.
    attnames = tuple(
        build_localized_fieldname(name, code)
        for code in resolution_order(language, descriptor.fallback_languages)
    )
    meaningful = descriptor.meaningful_value

    def read(instance):
        for attname in attnames:
            value = getattr(instance, attname, None)
            if meaningful(value, undefined):
                return value
        # Filled in no language: the descriptor's own fallback value or default.
        return getattr(instance, name)

    return read
