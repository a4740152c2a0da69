"""bench/generate_departments.py writes, without the ORM, departments that the portal shows
exactly as it shows departments published through ``publish()``."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from bench import generate_departments as generator
from departments import documents
from departments.models import Department, Government, Institution

SLUGS = ["bench-0001", "bench-0002", "bench-0003"]


def structure_pages(client, slug):
    return [
        client.get(f"/en/government/structure/{slug}/"),
        client.get(f"/zh-hans/government/structure/{slug}/"),
        client.get(f"/api/v1/departments/{slug}/"),
    ]


@pytest.fixture
def generated(seed):
    government = Government.objects.get(slug=generator.SEED_GOVERNMENT)
    specs = [
        generator.GeneratedDepartment(number, random.Random(f"7-{number}")) for number in (1, 2, 3)
    ]
    now = timezone.now()
    counts = Counter()
    generator.insert_batch(specs, government.pk, now, now - timedelta(days=1), counts)
    return counts


def test_generated_departments_are_published_with_the_seed_pages_shape(generated):
    assert generated["departments"] == 6
    assert generated["handler links"] == 18
    for slug in SLUGS:
        draft = Department.objects.drafts().get(slug=slug)
        publication = Department.objects.published().get(slug=slug)
        assert publication.draft_id == draft.pk
        for department in (draft, publication):
            assert department.responsibilities.count() == 16
            assert department.institutions.count() == 22
            assert department.affiliated_units.count() == 5
            assert department.contacts.count() == 6
        handled = Institution.objects.get(department=publication, code="i1")
        handlers = handled.routine_work_handled_by.order_by("sort_order")
        assert [handler.code for handler in handlers] == ["i20", "i21", "i22"]


def test_the_stored_document_is_the_one_publish_would_store(generated):
    for slug in SLUGS:
        publication = Department.objects.published().get(slug=slug)
        assert publication.document == documents.stored(documents.build(publication))


def test_generated_pages_from_the_document_are_those_from_the_rows(uncached, generated, client):
    for slug in SLUGS:
        from_document = structure_pages(client, slug)
        Department.objects.published().filter(slug=slug).update(document=None)
        from_rows = structure_pages(client, slug)
        for document_page, rows_page in zip(from_document, from_rows, strict=True):
            assert document_page.status_code == rows_page.status_code == 200
            assert document_page.content == rows_page.content
        assert generator.INSTITUTION_HANDLERS[0][0].encode() in from_rows[0].content


def test_generated_publications_are_found_by_their_chinese_words(generated):
    from departments.search import SearchQueryText, search

    publication = Department.objects.published().get(slug=SLUGS[0])
    responsibility = publication.responsibilities.order_by("sort_order").first()
    assert responsibility.search_words
    assert SLUGS[0] in {hit.slug for hit in search(SearchQueryText.parse(publication.name_zh_hans))}
