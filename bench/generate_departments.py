"""Fill the database with many published departments, to see how the portal scales.

    .venv/bin/python bench/generate_departments.py --count 5000 [--database-url postgres://...]
    .venv/bin/python bench/generate_departments.py --delete [--database-url ...]

Each generated department (slug ``bench-0001`` ...) belongs to the seed government and has
the seed page's shape: 16 responsibilities, 22 institutions (one whose routine work three
others handle), 5 affiliated units (one of them managed) and 6 contacts, with English and
Chinese text of about the seed's length. Every department is also published: a
publication row copies the draft and all its children, as ``departments.services.publish``
would, but with a COPY per table for a whole batch of departments at a time, because publishing
5,000 departments one by one takes minutes.

The database must be migrated and hold the seed (``manage.py migrate`` and
``manage.py load_initial_data``). This is a benchmarking aid, not a test; it prints what it
did and how long it took.
"""

import argparse
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
SLUG_PREFIX = "bench-"
# fixtures/public_security.json's government, which the departments join.
SEED_GOVERNMENT = "zhejiang"
# Departments created per round of inserts: large enough that the per-statement
# cost disappears, small enough that a round's objects stay a few tens of MB.
DEPARTMENTS_PER_BATCH = 250
# Batches inserted at the same time (see generate()).
PARALLEL_BATCHES = 2

# --- Vocabulary ------------------------------------------------------------------------
# Text is assembled from pieces taken from the language of real provincial structure
# pages, so that the pages look and weigh like the seed page (its responsibilities are
# 70 to 620 English characters; the Chinese is about a fifth of that).

# (English, Chinese) fields of government work.
DOMAINS = [
    ("education", "教育"),
    ("science and technology", "科学技术"),
    ("civil affairs", "民政"),
    ("justice", "司法行政"),
    ("finance", "财政"),
    ("human resources and social security", "人力资源和社会保障"),
    ("natural resources", "自然资源"),
    ("ecology and environment", "生态环境"),
    ("housing and urban-rural development", "住房和城乡建设"),
    ("transportation", "交通运输"),
    ("water resources", "水利"),
    ("agriculture and rural affairs", "农业农村"),
    ("commerce", "商务"),
    ("culture and tourism", "文化和旅游"),
    ("health", "卫生健康"),
    ("veterans affairs", "退役军人事务"),
    ("emergency management", "应急管理"),
    ("audit", "审计"),
    ("market regulation", "市场监督管理"),
    ("statistics", "统计"),
    ("sports", "体育"),
    ("medical security", "医疗保障"),
    ("forestry", "林业"),
    ("grain and material reserves", "粮食和物资储备"),
    ("economy and information technology", "经济和信息化"),
    ("ethnic and religious affairs", "民族宗教事务"),
    ("radio and television", "广播电视"),
    ("big data development", "大数据发展"),
    ("local financial supervision", "地方金融监督管理"),
    ("prison administration", "监狱管理"),
    ("drug administration", "药品监督管理"),
    ("cultural heritage", "文物"),
    ("coastal and ocean affairs", "海洋"),
    ("energy", "能源"),
    ("tax services", "税务"),
]

# (English, Chinese, telephone area code, postcode) of Zhejiang's cities.
CITIES = [
    ("Hangzhou", "杭州", "0571", "310000"),
    ("Ningbo", "宁波", "0574", "315000"),
    ("Wenzhou", "温州", "0577", "325000"),
    ("Jiaxing", "嘉兴", "0573", "314000"),
    ("Huzhou", "湖州", "0572", "313000"),
    ("Shaoxing", "绍兴", "0575", "312000"),
    ("Jinhua", "金华", "0579", "321000"),
    ("Quzhou", "衢州", "0570", "324000"),
    ("Zhoushan", "舟山", "0580", "316000"),
    ("Taizhou", "台州", "0576", "318000"),
    ("Lishui", "丽水", "0578", "323000"),
]

ROADS = [
    ("Minsheng", "民生"),
    ("Huancheng West", "环城西"),
    ("Yan'an", "延安"),
    ("Qiutao", "秋涛"),
    ("Shengfu", "省府"),
    ("Jiefang", "解放"),
    ("Zhongshan", "中山"),
    ("Wensan", "文三"),
    ("Tianmushan", "天目山"),
    ("Jiangnan", "江南"),
]

# Department names by kind: (English pattern, Chinese pattern) with the city, the field
# ({d} English, capitalised) and a number, so that thousands of names stay distinct.
NAME_PATTERNS = {
    "component": ("{city} Department of {d} No. {n}", "{city}{d}厅第{n}号"),
    "administration": ("{city} Bureau of {d} No. {n}", "{city}{d}局第{n}号"),
    "affiliated": ("{city} Office of {d} No. {n}", "{city}{d}办公室第{n}号"),
    "special": ("{city} Commission for {d} No. {n}", "{city}{d}委员会第{n}号"),
    "public-institution": ("{city} Center for {d} No. {n}", "{city}{d}中心第{n}号"),
}
# Roughly the mix of a provincial government: mostly component departments.
KIND_WEIGHTS = {
    "component": 40,
    "administration": 20,
    "affiliated": 15,
    "special": 5,
    "public-institution": 20,
}

INTRODUCTIONS = {
    "component": (
        "{name} is a component of the People’s Government of Zhejiang Province, and is the "
        "leading agency for {d} work across the province. Its main responsibilities include:",
        "{name}是浙江省人民政府组成部门，是全省{d}工作的主管机关。主要职责是：",
    ),
    "other": (
        "{name} is directly under the People’s Government of Zhejiang Province and is in "
        "charge of {d} work across the province. Its main responsibilities include:",
        "{name}是浙江省人民政府直属机构，负责全省{d}工作。主要职责是：",
    ),
}

# Clauses of a responsibility; {d} is the field of work. One responsibility joins as many
# clauses as it needs to reach the length of the seed's responsibility at the same place.
CLAUSES = [
    (
        "drafting local laws, regulations and rules on {d}",
        "起草{d}方面的地方性法规、规章草案",
    ),
    (
        "formulating and implementing development plans and policies for {d} in the province",
        "拟订并组织实施全省{d}发展规划和政策",
    ),
    (
        "guiding, coordinating and supervising the {d} work of cities and counties",
        "指导、协调、监督市县{d}工作",
    ),
    (
        "organizing the investigation and handling of major cases involving {d}",
        "组织查处{d}领域重大案件",
    ),
    (
        "managing the statistics, information and publicity of {d}",
        "负责{d}统计、信息和宣传工作",
    ),
    (
        "promoting the reform of administrative approval in {d}",
        "推进{d}领域行政审批制度改革",
    ),
    (
        "supervising the use of special funds for {d}",
        "监督管理{d}专项资金的使用",
    ),
    (
        "organizing emergency responses to major incidents in {d}",
        "组织{d}重大突发事件的应急处置",
    ),
    (
        "undertaking exchanges and cooperation with other countries and regions on {d}",
        "承担{d}对外交流与合作工作",
    ),
    (
        "building the professional workforce and the information systems for {d}",
        "负责{d}人才队伍和信息化建设",
    ),
    (
        "preventing and defusing major risks in {d}",
        "防范和化解{d}领域重大风险",
    ),
    (
        "handling complaints and proposals from the public concerning {d}",
        "受理群众关于{d}的信访和建议",
    ),
    (
        "publicizing laws and regulations on {d} and supervising their enforcement",
        "组织{d}法律法规宣传并监督实施",
    ),
    (
        "setting and supervising the implementation of standards for {d}",
        "制定并监督实施{d}标准",
    ),
    (
        "guiding the work of social organizations in {d}",
        "指导{d}领域社会组织工作",
    ),
]
# Only fields of work close to the police mention it (as on real pages), so that a search
# for "police" matches a realistic share of the departments, not nearly all of them.
POLICE_CLAUSE = (
    "cooperating with the police in cracking down on illegal and criminal activities in {d}",
    "配合公安机关打击{d}领域违法犯罪活动",
)
POLICE_DOMAINS = {
    "justice",
    "prison administration",
    "drug administration",
    "emergency management",
    "transportation",
}
LAST_RESPONSIBILITY = (
    "Completing other tasks assigned by the Provincial Party Committee and the Provincial "
    "Government.",
    "完成省委、省政府交办的其他任务。",
)

# Institutions common to every department; the first is the one whose routine work the
# three at the end handle, as on the seed page (names and full names as it gives them).
INSTITUTION_HANDLED = ("Political Department", "政治部", "Political Department", "政治部")
INSTITUTION_HANDLERS = [
    ("Personnel Training", "人事训练处", "Personnel and Training Department", "人事训练处"),
    ("Publicity", "宣传处", "Publicity Department", "宣传处"),
    ("Retirement", "离退休干部处", "Department of Retirees", "离退休干部处"),
]
INSTITUTION_POOL = [
    ("General Office", "办公室"),
    ("Policies and Regulations", "政策法规处"),
    ("Planning and Finance", "规划财务处"),
    ("Science and Technology", "科技处"),
    ("Audit", "审计处"),
    ("International Cooperation", "国际合作处"),
    ("Complaints and Proposals", "信访处"),
    ("Emergency Management", "应急管理处"),
    ("Information Technology", "信息化处"),
    ("Safety Supervision", "安全监管处"),
    ("Statistics", "统计处"),
    ("Administrative Approval", "行政审批处"),
    ("Rule of Law", "法制处"),
    ("Inspection", "督察处"),
    ("Standards", "标准处"),
    ("Supervision of Enforcement", "执法监督处"),
    ("Development and Reform", "发展改革处"),
    ("Public Services", "公共服务处"),
    ("Party Committee Office", "机关党委"),
    ("Logistics", "后勤保障处"),
    ("Research Office", "研究室"),
    ("Data Management", "数据管理处"),
    ("Risk Prevention", "风险防控处"),
    ("Training", "教育培训处"),
]
# Domain-specific institutions, named after the department's field.
INSTITUTION_DOMAIN = [
    ("{D} Development", "{d}发展处"),
    ("{D} Supervision", "{d}监督处"),
    ("{D} Management", "{d}管理处"),
]

UNITS = [
    ("{city} {D} Research Institute", "{city}{d}研究院", "directly-affiliated"),
    ("{D} Information Center", "{d}信息中心", "directly-affiliated"),
    ("{D} Training Center", "{d}培训中心", "directly-affiliated"),
    ("{D} Service Center", "{d}服务中心", "directly-affiliated"),
    ("provincial {d} association", "省{d}协会", "managed"),
]

# Seed page's responsibility lengths (English characters), in page order.
SEED_RESPONSIBILITY_LENGTHS = [
    148,
    368,
    262,
    621,
    554,
    281,
    252,
    262,
    174,
    90,
    543,
    298,
    106,
    156,
    71,
    96,
]
INSTITUTIONS_PER_DEPARTMENT = 22


SMALL_WORDS = {"and", "of", "for"}


def title(text):
    """ "housing and urban-rural development" -> "Housing and Urban-Rural Development"."""
    return " ".join(
        word
        if word in SMALL_WORDS
        else "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
        for word in text.split()
    )


def responsibility_texts(rng, domain_en, domain_zh):
    """16 (English, Chinese) responsibilities, each about as long as the seed's at its place."""
    texts = []
    pool = CLAUSES + [POLICE_CLAUSE] if domain_en in POLICE_DOMAINS else CLAUSES
    for target in SEED_RESPONSIBILITY_LENGTHS[:-1]:
        clauses = rng.sample(pool, len(pool))
        english, chinese = [], []
        while clauses and (not english or len("; ".join(english)) < target - 40):
            clause_en, clause_zh = clauses.pop()
            english.append(clause_en.format(d=domain_en))
            chinese.append(clause_zh.format(d=domain_zh))
        text_en = "; ".join(english)
        texts.append((text_en[0].upper() + text_en[1:] + ".", "；".join(chinese) + "。"))
    texts.append(LAST_RESPONSIBILITY)
    return texts


class GeneratedDepartment:
    """The content of one generated department, in both languages."""

    def __init__(self, number, rng):
        self.number = number
        self.slug = f"{SLUG_PREFIX}{number:04d}"
        self.kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        domain_en, domain_zh = rng.choice(DOMAINS)
        self.city = rng.choice(CITIES)
        pattern_en, pattern_zh = NAME_PATTERNS[self.kind]
        self.name_en = pattern_en.format(city=self.city[0], d=title(domain_en), n=number)
        self.name_zh = pattern_zh.format(city=self.city[1] + "市", d=domain_zh, n=number)
        intro_en, intro_zh = INTRODUCTIONS["component" if self.kind == "component" else "other"]
        self.introduction_en = intro_en.format(name=self.name_en, d=domain_en)
        self.introduction_zh = intro_zh.format(name=self.name_zh, d=domain_zh)
        self.responsibilities = responsibility_texts(rng, domain_en, domain_zh)

        # 18 ordinary institutions (3 named after the field, the rest from the pool), then
        # the one handled and its three handlers: 22 in all.
        ordinary = [
            (en.format(D=title(domain_en)), zh.format(d=domain_zh)) for en, zh in INSTITUTION_DOMAIN
        ]
        ordinary += rng.sample(INSTITUTION_POOL, INSTITUTIONS_PER_DEPARTMENT - 4 - len(ordinary))
        rng.shuffle(ordinary)
        self.institutions = (
            [INSTITUTION_HANDLED] + [(en, zh, "", "") for en, zh in ordinary] + INSTITUTION_HANDLERS
        )
        city_en, city_zh, area_code, postcode = self.city
        self.units = [
            (
                en.format(city=city_en, D=title(domain_en), d=domain_en),
                zh.format(city=city_zh + "市", d=domain_zh),
                relation,
            )
            for en, zh, relation in UNITS
        ]
        road_en, road_zh = rng.choice(ROADS)
        house = rng.randint(1, 399)
        host = f"{self.slug}.zj.gov.cn"
        # (kind, English label, Chinese label, English value, Chinese value); every value
        # passes contacts.models.Contact.value_error for its kind.
        self.contacts = [
            (
                "address",
                "Address",
                "地址",
                f"No. {house} {road_en} Road, {city_en}",
                f"{city_zh}市{road_zh}路{house}号",
            ),
            ("postcode", "Postcode", "邮编", postcode, postcode),
            (
                "telephone",
                "Public Telephone",
                "咨询电话",
                f"{area_code}-8{rng.randint(0, 9999999):07d}",
                None,
            ),
            (
                "complaint-telephone",
                "Complaint Telephone",
                "投诉电话",
                f"{area_code}-8{rng.randint(0, 9999999):07d}",
                None,
            ),
            ("email", "Email", "电子邮箱", f"office@{host}", None),
            ("website", "Website", "网址", f"http://{host}/", None),
        ]
        self.published_at = rng.randint(0, 5 * 365 * 24 * 60)  # minutes before now


def setup_django(database_url):
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def columns(model):
    """The model's columns in the order the rows below hold them."""
    return model._meta.concrete_fields


# Columns the generated rows leave empty unless given: a draft's search words (publishing
# writes them on the publication, with_search_words here) and search terms.
EMPTY_UNLESS_GIVEN = {"search_words", "search_terms", "search_terms_en", "search_terms_zh_hans"}


def new_row(model, **values):
    """A row of ``model``: every column's value, in ``columns(model)`` order."""
    for attname in EMPTY_UNLESS_GIVEN & set(attnames(model)):
        values.setdefault(attname, "")
    return [values[field.attname] for field in columns(model)]


def attnames(model):
    return [field.attname for field in columns(model)]


def position(model, attname):
    return next(i for i, field in enumerate(columns(model)) if field.attname == attname)


def copied(rows, model, **changes):
    """The rows again, with these columns changed (an attname to a list of new values)."""
    changed = [(position(model, attname), values) for attname, values in changes.items()]
    copies = []
    for number, original in enumerate(rows):
        copy = list(original)
        for column, values in changed:
            copy[column] = values[number]
        copies.append(copy)
    return copies


def with_search_words(rows, model):
    """Publication rows with the words search finds them by, as publishing stores them
    (departments.search_words)."""
    from departments.search_words import SEGMENTED
    from terms import segmentation

    if model not in SEGMENTED:
        return rows
    fields = [position(model, attname) for attname in SEGMENTED[model]]
    words = [segmentation.indexed_words(*(row[field] or "" for field in fields)) for row in rows]
    return copied(rows, model, search_words=words)


def reserve_ids(model, count):
    """``count`` new primary keys of ``model``'s table, so that rows can name each other
    before they are inserted (COPY returns no keys). On SQLite they follow the table's
    largest key: reserve once per table, then insert, before reserving again."""
    from django.db import connection

    pk = model._meta.pk.column
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [value for (value,) in cursor.fetchall()]
        # SQLite has one writer at a time (generate() runs its batches one by one).
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk)}), 0) FROM {quote(table)}")
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def insert(model, rows, *, with_ids=True):
    """Write the rows: with COPY on PostgreSQL (a fraction of bulk_create's cost in Python
    and in the server), with executemany elsewhere. Without ids, the table numbers them."""
    from django.db import connection, models

    fields = [field for field in columns(model) if with_ids or not field.primary_key]
    positions = [position(model, field.attname) for field in fields]
    quote = connection.ops.quote_name
    statement = f"{quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    postgresql = connection.vendor == "postgresql"
    # psycopg writes Python's own values itself; JSON, and everything for other
    # databases (SQLite's datetimes, say), goes through the field as Django would send it.
    adapted = [not postgresql or isinstance(field, models.JSONField) for field in fields]

    def values(row):
        return [
            field.get_db_prep_save(row[column], connection) if adapt else row[column]
            for field, column, adapt in zip(fields, positions, adapted, strict=True)
        ]

    with connection.cursor() as cursor:
        if postgresql:
            with cursor.copy(f"COPY {statement} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {statement} VALUES ({placeholders})", [values(row) for row in rows]
            )


def draft_departments(specs, government_id, now, ids):
    from departments.models import Department

    return [
        new_row(
            Department,
            id=pk,
            government_id=government_id,
            slug=spec.slug,
            kind=spec.kind,
            # The untranslated column holds the default language (English), as
            # modeltranslation writes it on a normal save.
            name=spec.name_en,
            name_en=spec.name_en,
            name_zh_hans=spec.name_zh,
            introduction=spec.introduction_en,
            introduction_en=spec.introduction_en,
            introduction_zh_hans=spec.introduction_zh,
            published_at=now - timedelta(minutes=spec.published_at),
            emblem="",
            emblem_width=None,
            emblem_height=None,
            emblem_alt="",
            emblem_alt_en="",
            emblem_alt_zh_hans="",
            institutions_not_exhaustive=False,
            directly_affiliated_units_not_exhaustive=False,
            managed_units_not_exhaustive=False,
            sort_order=spec.number,
            draft_id=None,
            live_from=None,
            content_changed_at=now,
            withdrawn_at=None,
            document=None,
        )
        for spec, pk in zip(specs, ids, strict=True)
    ]


def children_of(specs, department_ids):
    """The children of each department, by model, in page order (without their ids)."""
    from contacts.models import Contact
    from departments import models as dm

    rows = {dm.Responsibility: [], dm.Institution: [], dm.AffiliatedUnit: [], Contact: []}
    for spec, pk in zip(specs, department_ids, strict=True):
        for order, (text_en, text_zh) in enumerate(spec.responsibilities, 1):
            rows[dm.Responsibility].append(
                new_row(
                    dm.Responsibility,
                    id=None,
                    department_id=pk,
                    code=f"r{order}",
                    sort_order=order,
                    text=text_en,
                    text_en=text_en,
                    text_zh_hans=text_zh,
                )
            )
        for order, (name_en, name_zh, full_en, full_zh) in enumerate(spec.institutions, 1):
            rows[dm.Institution].append(
                new_row(
                    dm.Institution,
                    id=None,
                    department_id=pk,
                    code=f"i{order}",
                    sort_order=order,
                    name=name_en,
                    name_en=name_en,
                    name_zh_hans=name_zh,
                    full_name=full_en,
                    full_name_en=full_en,
                    full_name_zh_hans=full_zh,
                    routine_work_handlers_not_exhaustive=False,
                )
            )
        for order, (name_en, name_zh, relation) in enumerate(spec.units, 1):
            rows[dm.AffiliatedUnit].append(
                new_row(
                    dm.AffiliatedUnit,
                    id=None,
                    department_id=pk,
                    code=f"u{order}",
                    sort_order=order,
                    name=name_en,
                    name_en=name_en,
                    name_zh_hans=name_zh,
                    relation=relation,
                )
            )
        for order, (kind, label_en, label_zh, value_en, value_zh) in enumerate(spec.contacts, 1):
            rows[Contact].append(
                new_row(
                    Contact,
                    id=None,
                    department_id=pk,
                    code=kind,
                    sort_order=order,
                    kind=kind,
                    label=label_en,
                    label_en=label_en,
                    label_zh_hans=label_zh,
                    value=value_en,
                    value_en=value_en,
                    # Numbers and addresses read the same in Chinese; the seed repeats them.
                    value_zh_hans=value_zh or value_en,
                )
            )
    return rows


def handlers_of(institution_ids):
    """ "Routine work handled by", in each department: institution 1 by the last three, as
    ``{institution id: [handler ids in page order]}``."""
    per_department = INSTITUTIONS_PER_DEPARTMENT
    handlers = {}
    for start in range(0, len(institution_ids), per_department):
        group = institution_ids[start : start + per_department]
        handlers[group[0]] = group[-len(INSTITUTION_HANDLERS) :]
    return handlers


def link_rows(handlers):
    from departments.models import Institution

    through = Institution.routine_work_handled_by.through
    return [
        new_row(through, id=None, from_institution_id=institution, to_institution_id=handler)
        for institution, handler_ids in handlers.items()
        for handler in handler_ids
    ]


def check_contacts(specs):
    """Every generated contact value must pass the model's own validation."""
    from contacts.models import Contact

    # One instance per kind: a model instance costs more to build than to ask.
    contacts = {}
    for spec in specs:
        for kind, _label_en, _label_zh, value_en, value_zh in spec.contacts:
            if kind not in contacts:
                contacts[kind] = Contact(kind=kind)
            contact = contacts[kind]
            for value in (value_en, value_zh):
                if value and contact.value_error(value) is not None:
                    raise SystemExit(f"Generated an invalid {kind} contact: {value!r}")


def insert_batch(specs, government_id, now, live_from, counts):
    """Create the drafts of ``specs`` with their children, then publish them: copy all."""
    from departments import models as dm

    through = dm.Institution.routine_work_handled_by.through
    department_ids = reserve_ids(dm.Department, 2 * len(specs))
    draft_ids, publication_ids = department_ids[: len(specs)], department_ids[len(specs) :]
    drafts = draft_departments(specs, government_id, now, draft_ids)
    # The publications: the same rows again, as services._copy_department copies a
    # draft, pointing at their draft and live since ``live_from``.
    publications = with_search_words(
        copied(
            drafts,
            dm.Department,
            id=publication_ids,
            draft_id=draft_ids,
            live_from=[live_from] * len(drafts),
        ),
        dm.Department,
    )
    publication_of = dict(zip(draft_ids, publication_ids, strict=True))
    draft_children = children_of(specs, draft_ids)
    publication_children = {}
    handlers = {}
    for model, rows in draft_children.items():
        ids = reserve_ids(model, 2 * len(rows))
        department_column = position(model, "department_id")
        draft_rows = copied(rows, model, id=ids[: len(rows)])
        publication_rows = with_search_words(
            copied(
                rows,
                model,
                id=ids[len(rows) :],
                department_id=[publication_of[row[department_column]] for row in rows],
            ),
            model,
        )
        draft_children[model], publication_children[model] = draft_rows, publication_rows
        if model is dm.Institution:
            id_column = position(model, "id")
            handlers["drafts"] = handlers_of([row[id_column] for row in draft_rows])
            handlers["publications"] = handlers_of([row[id_column] for row in publication_rows])
    government_slug = dm.Government.objects.values_list("slug", flat=True).get(pk=government_id)
    store_documents(publications, publication_children, handlers["publications"], government_slug)

    insert(dm.Department, drafts + publications)
    counts["departments"] += len(drafts) + len(publications)
    for model in draft_children:
        insert(model, draft_children[model] + publication_children[model])
        counts[model._meta.verbose_name_plural] += 2 * len(draft_children[model])
    links = link_rows(handlers["drafts"]) + link_rows(handlers["publications"])
    insert(through, links, with_ids=False)
    counts["handler links"] += len(links)


def store_documents(publications, children, handlers, government_slug):
    """Put in each publication's row the document services.publish stores with it
    (departments.documents), assembled from the rows about to be inserted."""
    from departments import documents
    from departments import models as dm

    def as_row(model, values):
        fields = dict(zip(attnames(model), values, strict=True))
        return SimpleNamespace(pk=fields[model._meta.pk.attname], **fields)

    department_column = {model: position(model, "department_id") for model in children}
    relation_of = {
        dm.Department._meta.get_field(name).related_model: name for name in documents.CHILDREN
    }
    own = {row[position(dm.Department, "id")]: {} for row in publications}
    for rows in own.values():
        for name in documents.CHILDREN:
            rows[name] = []
    for model, rows in children.items():
        # children_of made each department's children in page order.
        for row in rows:
            own[row[department_column[model]]][relation_of[model]].append(as_row(model, row))
    document_column = position(dm.Department, "document")
    department_id = position(dm.Department, "id")
    for publication in publications:
        document = documents.assemble(
            as_row(dm.Department, publication),
            government_slug,
            own[publication[department_id]],
            handlers,
        )
        publication[document_column] = documents.stored(document)


def generate(count, seed):
    from django.db import connection, connections
    from django.utils import timezone

    from departments import models as dm

    government = (
        dm.Government.objects.filter(slug=SEED_GOVERNMENT).first()
        or dm.Government.objects.order_by("sort_order", "pk").first()
    )
    if government is None:
        raise SystemExit(
            "No government in the database: run `manage.py migrate` and "
            "`manage.py load_initial_data` first."
        )
    existing = dm.Department.objects.filter(slug__startswith=SLUG_PREFIX).count()
    if existing:
        raise SystemExit(
            f"{existing} generated department rows already exist: run with --delete first."
        )

    now = timezone.now()
    # Live since yesterday, so that no clock difference makes them look scheduled.
    live_from = now - timedelta(days=1)
    batches = [
        range(first, min(first + DEPARTMENTS_PER_BATCH, count + 1))
        for first in range(1, count + 1, DEPARTMENTS_PER_BATCH)
    ]
    # Batches go to one worker process per core, each with its own connection and one
    # transaction per batch. Preparing the rows is pure Python (about half the work, and
    # the interpreter runs one thread at a time) and PostgreSQL's share is mostly the
    # full-text and trigram index entries of the text; in one process the two only add up.
    # SQLite allows one writer only.
    workers = 1 if connection.vendor == "sqlite" else PARALLEL_BATCHES
    task = partial(
        insert_departments, seed=seed, government_id=government.pk, now=now, live_from=live_from
    )
    counts = Counter()
    started = time.perf_counter()
    if workers == 1:
        for numbers in batches:
            counts.update(task(numbers))
    else:
        # Forked workers inherit the configured Django; not its open connection, which a
        # child must never share with its parent.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                for batch_counts in pool.map(task, batches):
                    counts.update(batch_counts)
        except BaseException:
            # Each batch commits by itself: remove those that made it.
            print("Generation failed; removing the departments already created.", file=sys.stderr)
            delete()
            raise
    elapsed = time.perf_counter() - started
    print(
        f"Created and published {count} departments in {elapsed:.1f} s "
        f"({count / elapsed:.0f} departments/s)."
    )
    print(
        "Rows inserted (drafts and publications): "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        tables = [model._meta.db_table for model in generated_models()]
        with connection.cursor() as cursor:
            # What autovacuum would soon do on a live site: up-to-date planner statistics
            # for the new table sizes, and GIN pending lists merged, so that the pages
            # measured next run against a settled database, not during a vacuum.
            cursor.execute(
                "VACUUM (ANALYZE) " + ", ".join(connection.ops.quote_name(t) for t in tables)
            )
        print(f"VACUUM (ANALYZE) of the tables took {time.perf_counter() - started:.1f} s.")
    print_totals()


def generated_models():
    from contacts.models import Contact
    from departments import models as dm

    return [
        dm.Department,
        dm.Responsibility,
        dm.Institution,
        dm.AffiliatedUnit,
        Contact,
        dm.Institution.routine_work_handled_by.through,
    ]


def insert_departments(numbers, *, seed, government_id, now, live_from):
    """Create and publish the departments numbered ``numbers`` in one transaction.

    Each department's text comes from its own seeded generator, so that a run gives the
    same content whichever worker handles which batch.
    """
    from django.db import connection, transaction

    specs = [GeneratedDepartment(number, random.Random(f"{seed}-{number}")) for number in numbers]
    check_contacts(specs)
    counts = Counter()
    try:
        with transaction.atomic():
            insert_batch(specs, government_id, now, live_from, counts)
    finally:
        connection.close()
    return counts


def delete():
    """Remove every generated department, drafts and publications with their children."""
    from django.db import transaction

    from contacts.models import Contact
    from departments import models as dm

    started = time.perf_counter()
    generated = {"department__slug__startswith": SLUG_PREFIX}
    deleted = {}
    with transaction.atomic():
        # Children first, each with one DELETE, so that Django's cascade does not load
        # hundreds of thousands of rows into memory to delete them one model at a time.
        through = dm.Institution.routine_work_handled_by.through
        deleted["handler_links"] = through.objects.filter(
            from_institution__department__slug__startswith=SLUG_PREFIX
        ).delete()[0]
        for model in [dm.Responsibility, dm.Institution, dm.AffiliatedUnit, Contact, dm.Leader]:
            deleted[model._meta.verbose_name_plural] = model.objects.filter(**generated).delete()[0]
        generated_departments = dm.Department.objects.filter(slug__startswith=SLUG_PREFIX)
        deleted["publications"] = generated_departments.filter(draft__isnull=False).delete()[0]
        deleted["drafts"] = generated_departments.delete()[0]
    elapsed = time.perf_counter() - started
    print(
        f"Deleted the generated departments in {elapsed:.1f} s: "
        + ", ".join(f"{k} {v}" for k, v in deleted.items())
    )
    print_totals()


def print_totals():
    from contacts.models import Contact
    from departments import models as dm

    totals = {
        "departments (drafts)": dm.Department.objects.drafts().count(),
        "departments (published now)": dm.Department.objects.published().count(),
        "department rows": dm.Department.objects.count(),
        "responsibilities": dm.Responsibility.objects.count(),
        "institutions": dm.Institution.objects.count(),
        "affiliated units": dm.AffiliatedUnit.objects.count(),
        "contacts": Contact.objects.count(),
        "handler links": dm.Institution.routine_work_handled_by.through.objects.count(),
    }
    print("Rows in the database: " + ", ".join(f"{k} {v}" for k, v in totals.items()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="departments to create (5000)")
    parser.add_argument(
        "--database-url", help="DATABASE_URL to use instead of the environment's (or SQLite)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed of the text (7)")
    parser.add_argument(
        "--delete", action="store_true", help="remove the generated departments instead"
    )
    args = parser.parse_args(argv)
    if args.count < 1 or args.count > 99999:
        parser.error("--count must be between 1 and 99999")
    setup_django(args.database_url)
    if args.delete:
        delete()
    else:
        generate(args.count, args.seed)


if __name__ == "__main__":
    main()
