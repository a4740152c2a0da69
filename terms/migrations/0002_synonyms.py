from django.db import migrations, models

# Common pairs of government vocabulary: what citizens type, and the word of the texts.
SEED_SYNONYMS = [
    ("社保", "社会保险"),
    ("医保", "医疗保障"),
    ("医保", "医疗保险"),
    ("户口", "户籍"),
    ("户口本", "户籍"),
    ("落户", "户籍"),
    ("迁户口", "户籍"),
    ("护照", "出入境"),
    ("护照", "出入境证件"),
    ("签证", "出入境"),
    ("港澳通行证", "出入境"),
    ("出国", "出入境"),
    ("驾照", "驾驶证"),
    ("驾照", "驾驶人"),
    ("驾驶证", "驾驶人"),
    ("车牌", "车辆"),
    ("上牌", "车辆"),
    ("违章", "道路交通"),
    ("交警", "道路交通"),
    ("吸毒", "禁毒"),
    ("毒品", "禁毒"),
    ("恐怖", "反恐怖"),
    ("诈骗", "犯罪"),
    ("骗子", "犯罪"),
    ("网警", "网络安全"),
    ("绿卡", "永久居留"),
    ("派出所", "公安机关"),
    ("警察", "公安机关"),
    ("民警", "公安机关"),
    ("pension", "old-age insurance"),
    ("social security", "social insurance"),
    ("medical insurance", "medical security"),
    ("hukou", "household registration"),
    ("hukou", "residence registration"),
    ("household register", "household registration"),
    ("passport", "entry and exit"),
    ("visa", "entry and exit"),
    ("travel permit", "entry and exit"),
    ("driving licence", "driver"),
    ("driving license", "driver"),
    ("driver's license", "driver"),
    ("traffic police", "road traffic"),
    ("traffic ticket", "road traffic"),
    ("police", "public security"),
    ("cops", "public security"),
    ("drugs", "drug control"),
    ("narcotics", "drug control"),
    ("terrorism", "counter-terrorism"),
    ("fraud", "economic crimes"),
    ("scam", "economic crimes"),
    ("id card", "identity card"),
    ("green card", "permanent residence"),
    ("cybercrime", "network security"),
    ("hacker", "network security"),
    ("jail", "detention"),
    ("prison", "prisons"),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("terms", "Synonym")
    Synonym.objects.bulk_create(
        Synonym(term=term, means=means) for term, means in SEED_SYNONYMS if term != means
    )


class Migration(migrations.Migration):

    dependencies = [
        ('terms', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Synonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(help_text='E.g. 社保, or pension.', max_length=100, verbose_name='what citizens type')),
                ('means', models.CharField(help_text='The word of the published texts, e.g. 社会保险, or old-age insurance.', max_length=100, verbose_name='also search for')),
            ],
            options={
                'verbose_name': 'synonym',
                'verbose_name_plural': 'synonyms',
                'ordering': ['term', 'means'],
                'constraints': [models.UniqueConstraint(fields=('term', 'means'), name='unique_synonym')],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
