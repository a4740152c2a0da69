"""The draft writer: brings one department draft in line with one page.

Lists follow one rule in every language. An import replaces the page language's
column of each list and leaves the other language's column alone. Rows are
matched by position: responsibilities and institutions by their order,
affiliated units by their order within their relation (directly affiliated,
then managed), contacts by their order within their kind. Rows beyond the
page's count are deleted (in every language), and missing ones are created with
the other language's column empty, where the public pages fall back to English.
"Routine work handled by" links and the order of rows are not translated: the
page being imported sets them.
"""

import reversion
from django.utils.text import slugify
from django.utils.translation import gettext as _

from contacts.models import Contact, ContactKind
from core.models import generate_code

from .. import services
from ..models import AffiliatedUnit, Department, Institution, PublicationState, Responsibility
from .drafts import TRANSLATED, DraftLocator, field_label
from .problems import ImportRefused, Problem
from .results import CREATED, UNCHANGED, UPDATED, Change, PageResult
from .vocabulary import ENGLISH

# The draft's flags of lists that name only some of their items, and the page's names for them.
NOT_EXHAUSTIVE_FIELDS = {
    "institutions_not_exhaustive": "institutions",
    "directly_affiliated_units_not_exhaustive": AffiliatedUnit.Relation.DIRECTLY_AFFILIATED,
    "managed_units_not_exhaustive": AffiliatedUnit.Relation.MANAGED,
}


def same(old, new):
    return (old if old is not None else "") == (new if new is not None else "")


class DraftWriter(DraftLocator):
    """Brings one department draft in line with one page, recording each change."""

    def __init__(self, page, options):
        super().__init__(page, options)
        self.dirty = []
        self.deleted = []
        self.handlers = []

    # What changes.

    def set(self, row, base, value, subject):
        attname = self.column(base) if base in TRANSLATED else base
        old = getattr(row, attname)
        if row.pk is not None and same(old, value):
            return
        if row.pk is None and (base == "sort_order" or same(None, value)):
            # Nothing to show: a new row's position is in its subject
            # ("responsibility 3"), and an empty value is no news.
            setattr(row, attname, value)
            self.mark_dirty(row)
            return
        label = field_label(type(row), base, self.language)
        action = "update" if row.pk is not None else "create"
        choices = dict(type(row)._meta.get_field(base).flatchoices)
        shown_old = choices.get(old, old) if row.pk else None
        self.changes.append(Change(action, subject, label, shown_old, choices.get(value, value)))
        setattr(row, attname, value)
        self.mark_dirty(row)

    def set_flag(self, row, base, value, subject):
        # A new row's False is its default: no news.
        if getattr(row, base) != value:
            self.set(row, base, value, subject)

    def mark_dirty(self, row):
        if not any(row is other for other in self.dirty):
            self.dirty.append(row)

    def delete(self, row, subject):
        self.changes.append(Change("delete", subject, old=str(row)))
        self.deleted.append(row)

    def plan_department(self, draft):
        page = self.page
        subject = str(Department._meta.verbose_name)
        self.set(draft, "name", page.name, subject)
        self.set(draft, "introduction", page.introduction, subject)
        for base, listed in NOT_EXHAUSTIVE_FIELDS.items():
            self.set_flag(draft, base, listed in page.not_exhaustive, subject)
        if page.published_at is not None:
            self.set(draft, "published_at", page.published_at, subject)
        elif draft.pk is None:
            self.changes.append(
                Change(
                    "create",
                    subject,
                    field_label(Department, "published_at", None),
                    new=draft.published_at,
                )
            )
            self.mark_dirty(draft)

    def sync(self, draft, model, existing, wanted):
        """Matches rows by position: wanted is [(position, {field: value})]."""
        rows = []
        for index, (position, values) in enumerate(wanted):
            if index < len(existing):
                row = existing[index]
            else:
                row = model(department=draft)
                if "kind" in values:
                    row.kind = values["kind"]
            subject = f"{model._meta.verbose_name} {position}"
            for base, value in values.items():
                self.set(row, base, value, subject)
            self.set(row, "sort_order", position, subject)
            rows.append(row)
        for index, row in enumerate(existing[len(wanted) :], len(wanted) + 1):
            self.delete(row, f"{model._meta.verbose_name} {row.sort_order or index}")
        return rows

    def plan_children(self, draft):
        page = self.page

        def existing(related_name, **filters):
            if draft.pk is None:
                return []
            rows = getattr(draft, related_name).filter(**filters)
            return list(rows.order_by("sort_order", "pk"))

        self.sync(
            draft,
            Responsibility,
            existing("responsibilities"),
            [
                (position, {"text": text})
                for position, (text, _line) in enumerate(page.responsibilities, 1)
            ],
        )
        institutions = self.sync(
            draft,
            Institution,
            existing("institutions"),
            [
                (position, {"name": item.name, "full_name": item.full_name})
                for position, item in enumerate(page.institutions, 1)
            ],
        )
        self.plan_handlers(institutions)

        positions = {id(unit): position for position, unit in enumerate(page.units, 1)}
        for relation in AffiliatedUnit.Relation.values:
            units = [unit for unit in page.units if unit.relation == relation]
            self.sync(
                draft,
                AffiliatedUnit,
                existing("affiliated_units", relation=relation),
                [
                    (positions[id(unit)], {"name": unit.name, "relation": relation})
                    for unit in units
                ],
            )

        positions = {id(contact): position for position, contact in enumerate(page.contacts, 1)}
        kinds = list(dict.fromkeys(contact.kind for contact in page.contacts))
        for kind in kinds + [kind for kind in ContactKind.values if kind not in kinds]:
            contacts = [contact for contact in page.contacts if contact.kind == kind]
            rows = existing("contacts", kind=kind)
            if not contacts and not rows:
                continue
            self.sync(
                draft,
                Contact,
                rows,
                [
                    (
                        positions[id(contact)],
                        {"kind": kind, "label": contact.label, "value": contact.value},
                    )
                    for contact in contacts
                ],
            )

    def plan_handlers(self, rows):
        name = self.column("name")
        label = field_label(Institution, "routine_work_handled_by", None)
        for position, (item, row) in enumerate(zip(self.page.institutions, rows, strict=True), 1):
            subject = f"{Institution._meta.verbose_name} {position}"
            flag = "routine_work_handlers_not_exhaustive"
            self.set_flag(row, flag, item.handlers_not_exhaustive, subject)
            wanted = [rows[index] for index in item.handlers]
            current = (
                list(row.routine_work_handled_by.order_by("sort_order", "pk")) if row.pk else []
            )
            if {handler.pk for handler in current} == {handler.pk for handler in wanted} and all(
                handler.pk for handler in wanted
            ):
                continue
            action = "update" if row.pk else "create"
            self.changes.append(
                Change(
                    action,
                    f"{Institution._meta.verbose_name} {position}",
                    label,
                    [getattr(handler, name) or handler.name for handler in current] or None,
                    [getattr(handler, name) for handler in wanted],
                )
            )
            self.handlers.append((row, wanted))

    # Writing.

    def code_base(self, row):
        if self.language != ENGLISH:
            return ""
        if isinstance(row, Responsibility):
            return slugify(" ".join(row.text_en.split()[:6]))[:50]
        if isinstance(row, Contact):
            return slugify(row.label_en or row.kind)[:50]
        return slugify(row.name_en)[:50]

    def unique_code(self, base, taken):
        base = base.strip("-")
        if base:
            code, number = base, 2
            while code in taken:
                code = f"{base}-{number}"
                number += 1
        else:
            code = generate_code()
            while code in taken:
                code = generate_code()
        taken.add(code)
        return code

    def save(self, draft):
        draft.save()
        for row in self.deleted:
            row.delete()
        taken = {}
        for row in self.dirty:
            if row is draft:
                continue
            if row.pk is None:
                model = type(row)
                if model not in taken:
                    taken[model] = set(
                        model.objects.filter(department=draft).values_list("code", flat=True)
                    )
                row.department = draft
                row.code = self.unique_code(self.code_base(row), taken[model])
            row.save()
        for row, handlers in self.handlers:
            row.routine_work_handled_by.set(handlers)

    def write(self):
        page, options = self.page, self.options
        draft = self.locate()
        created = draft.pk is None
        self.plan_department(draft)
        self.plan_children(draft)
        result = PageResult(
            source=page.source,
            status=CREATED if created else UPDATED,
            language=page.language,
            name=page.name,
            slug=draft.slug,
            changes=self.changes,
            dry_run=options.dry_run,
        )
        user = options.user
        if not self.changes:
            result.status = UNCHANGED
        else:
            with reversion.create_revision():
                self.save(draft)
                reversion.add_to_revision(draft)
                reversion.set_comment(_("Imported from %(file)s.") % {"file": page.source})
                if user is not None and user.is_authenticated:
                    reversion.set_user(user)
            services.mark_changed(draft)
            if created and user is not None and not user.is_superuser:
                draft.editors.add(user)
        if options.publish and (self.changes or not is_published(draft)):
            try:
                services.publish(draft, user=user, update_date=False)
            except services.PublishingError as error:
                # The page is refused whole, the draft's import included.
                raise ImportRefused([Problem(None, "", str(error))]) from None
            result.published = True
        result.department_id = None if options.dry_run and created else draft.pk
        return result


def is_published(draft):
    state = Department.objects.with_publication_state().get(pk=draft.pk).publication_state
    return state == PublicationState.PUBLISHED
