"""What django-reversion records of a department.

A revision holds a draft with every child, so restoring one brings back the
inlines. Publication bookkeeping and the editors' assignment are left out:
restoring an old revision must neither withdraw, nor publish, nor re-assign.
This runs before the admin is built, because ``VersionAdmin`` registers its
model itself (without these exclusions) when nothing is registered yet.
"""

import reversion

from contacts.models import Contact

from .models import AffiliatedUnit, Department, Institution, Leader, Responsibility

FOLLOW = ["responsibilities", "institutions", "affiliated_units", "contacts", "leaders"]
EXCLUDE = ["editors", "draft", "live_from", "content_changed_at", "withdrawn_at"]
CHILDREN = (Responsibility, Institution, AffiliatedUnit, Contact, Leader)


def register():
    if not reversion.is_registered(Department):
        reversion.register(Department, follow=FOLLOW, exclude=EXCLUDE)
    for model in CHILDREN:
        if not reversion.is_registered(model):
            reversion.register(model)
