"""Publishing: operations that span a department and all its children.

A publication is a copy of the draft and every child row, made with bulk
inserts so that no signal (and no revision of django-reversion) fires for the
copies (the directory, search and the feed read those rows), and the document
of everything its pages show (``departments.documents``), which the pages read.
The revision that records a publish is written here explicitly.
"""

import reversion
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact
from core import pages

from . import documents
from .models import AffiliatedUnit, Department, Institution, Leader, Responsibility
from .pages import SOURCE
from .search_words import with_search_words


class PublishingError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


# Children copied with a publication, in dependency order.
CHILD_MODELS = [Responsibility, Institution, AffiliatedUnit, Contact, Leader]


def _copy_fields(instance, **overrides):
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    values.update(overrides)
    return type(instance)(**values)


def _copy_department(draft, live_from, published_at):
    copy = _copy_fields(
        draft, draft_id=draft.pk, live_from=live_from, published_at=published_at, withdrawn_at=None
    )
    (copy,) = Department.objects.bulk_create(with_search_words([copy]))
    for model in CHILD_MODELS:
        children = list(model.objects.filter(department=draft))
        copies = model.objects.bulk_create(
            with_search_words([_copy_fields(child, department_id=copy.pk) for child in children])
        )
        if model is Institution:
            _copy_handlers(children, copies)
    return copy


def _copy_handlers(originals, copies):
    """Re-points "routine work handled by" at the copied institutions."""
    copy_of = {original.pk: copy.pk for original, copy in zip(originals, copies, strict=True)}
    through = Institution.routine_work_handled_by.through
    links = through.objects.filter(from_institution__in=copy_of)
    through.objects.bulk_create(
        through(
            from_institution_id=copy_of[link.from_institution_id],
            to_institution_id=copy_of[link.to_institution_id],
        )
        for link in links
    )


def _record(draft, user, comment):
    with reversion.create_revision():
        reversion.add_to_revision(draft)
        reversion.set_comment(comment)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)


def refuse_taken_address(draft, now):
    """PublishingError if another department's live or scheduled publication holds the slug."""
    holder = (
        Department.objects.holding_address(draft.slug, other_than=draft.pk, at=now)
        .order_by("live_from")
        .first()
    )
    if holder is None:
        return
    message = _(
        "The address “%(slug)s” belongs to %(department)s, whose publication still uses it. "
        "Choose another slug, or publish or withdraw %(department)s first."
    ) % {"slug": draft.slug, "department": holder.name}
    raise PublishingError(message, code="address_taken")


@transaction.atomic
def publish(draft, *, user=None, live_from=None, update_date=True):
    """Publish the draft now or at ``live_from``; returns the publication.

    A newer scheduled publication replaces an older one; once a publication is
    live, the ones it superseded are removed. With ``update_date`` the page's
    date becomes the moment it goes live.
    """
    if not draft.is_draft:
        raise PublishingError(_("Only a draft can be published."), code="not_a_draft")
    now = timezone.now()
    live_from = live_from or now
    draft = Department.objects.select_for_update().get(pk=draft.pk)
    refuse_taken_address(draft, now)
    # Publications shown nowhere any more may still hold the address (another
    # department's old one): they go, as the draft's own superseded ones do below.
    Department.objects.superseded(at=now).filter(slug=draft.slug).delete()
    previous_slugs = set(draft.publications.values_list("slug", flat=True))
    draft.publications.filter(live_from__gt=now).delete()
    try:
        # In a savepoint: on PostgreSQL the database itself refuses a second
        # department at the address (a publication committed meanwhile).
        with transaction.atomic():
            publication = _copy_department(
                draft,
                live_from,
                # The page's date is printed to the second (HTML's datetime attribute allows at
                # most three fractional digits); live_from keeps its fraction, which orders two
                # publications made within one second.
                published_at=live_from.replace(microsecond=0)
                if update_date
                else draft.published_at,
            )
    except IntegrityError:
        refuse_taken_address(draft, now)
        raise
    if live_from <= now:
        # One publication date: the draft keeps the date its page now shows (which a later
        # publish that keeps the date keeps). A scheduled one may yet be canceled.
        draft.published_at = publication.published_at
        Department.objects.filter(pk=draft.pk).update(published_at=draft.published_at)
    document = documents.stored(documents.build(publication))
    Department.objects.filter(pk=publication.pk).update(document=document)
    draft.publications.superseded(at=now).delete()
    if draft.withdrawn_at:
        Department.objects.filter(pk=draft.pk).update(withdrawn_at=None)
    if live_from > now:
        comment = _("Scheduled for publication at %(moment)s.") % {
            "moment": timezone.localtime(live_from).strftime("%Y-%m-%d %H:%M")
        }
    else:
        comment = _("Published.")
    _record(draft, user, comment)
    public_pages_changed(previous_slugs | {draft.slug})
    return publication


@transaction.atomic
def withdraw(draft, *, user=None):
    """Take the department off the public pages (scheduled publications included)."""
    if not draft.is_draft:
        raise PublishingError(_("Only a draft can be withdrawn."), code="not_a_draft")
    slugs = set(draft.publications.values_list("slug", flat=True)) | {draft.slug}
    draft.publications.all().delete()
    Department.objects.filter(pk=draft.pk).update(withdrawn_at=timezone.now())
    _record(draft, user, _("Withdrawn from the public pages."))
    public_pages_changed(slugs)


@transaction.atomic
def cancel_scheduled_publication(draft, *, user=None):
    """Remove the publications of the draft that have not gone live yet; True if there were.

    The live publication, if any, stays.
    """
    scheduled = Department.objects.scheduled().filter(draft=draft)
    slugs = set(scheduled.values_list("slug", flat=True))
    if not slugs:
        return False
    scheduled.delete()
    _record(draft, user, _("The scheduled publication was canceled."))
    public_pages_changed(slugs | {draft.slug})
    return True


def public_pages_changed(slugs):
    """The public pages of these departments, and every list of departments, have changed.

    Announced inside the transaction of the change: delivery's page versions commit
    with it, and its re-rendering of the published files is queued once it commits.
    """
    pages.announce_change(SOURCE, slugs)


def mark_changed(draft):
    """Record that the draft's content (or a child's) changed after its last publication."""
    Department.objects.filter(pk=draft.pk).update(content_changed_at=timezone.now())
