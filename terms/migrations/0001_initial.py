from django.db import migrations, models

# Government terms jieba's own dictionary splits or does not know: the search keeps them
# whole. Editors add more in the admin.
SEED_WORDS = [
    "居民身份证",
    "身份证",
    "户口",
    "户籍",
    "户口本",
    "出入境",
    "出入境证件",
    "港澳通行证",
    "台湾通行证",
    "驾驶证",
    "驾照",
    "行驶证",
    "机动车",
    "人民政府",
    "民政",
    "公安厅",
    "公安局",
    "派出所",
    "社会保险",
    "社保",
    "医疗保障",
    "医保",
    "养老保险",
    "公积金",
    "居住证",
    "暂住证",
    "营业执照",
    "不动产登记",
    "网络安全",
    "交通管理",
    "治安管理",
    "消防",
    "禁毒",
    "反恐怖",
    "经济犯罪",
    "监所",
    "看守所",
    "信息网络",
]


def seed(apps, schema_editor):
    DictionaryWord = apps.get_model("terms", "DictionaryWord")
    DictionaryWord.objects.bulk_create(DictionaryWord(word=word) for word in SEED_WORDS)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DictionaryWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "word",
                    models.CharField(
                        help_text="A term the search must treat as one word, e.g. 居民身份证.",
                        max_length=40,
                        unique=True,
                        verbose_name="word",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="added on")),
            ],
            options={
                "verbose_name": "dictionary word",
                "verbose_name_plural": "dictionary words",
                "ordering": ["word"],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
