"""Seed the six default statuses (English and Chinese names) and, on PostgreSQL, the
ticket number sequence (SQLite uses core.Counter instead)."""

from django.db import migrations

STATUSES = [
    # key, English, Chinese, category, order
    ("new", "New", "新建", "new", 10),
    ("open", "Open", "处理中", "open", 20),
    ("pending", "Pending customer", "等待客户回复", "pending", 30),
    ("on_hold", "On hold", "挂起", "on_hold", 40),
    ("solved", "Solved", "已解决", "solved", 50),
    ("closed", "Closed", "已关闭", "closed", 60),
]
SEQUENCE = "loopdesk_ticket_number_seq"
START = 10001


def seed(apps, schema_editor):
    Status = apps.get_model("tickets", "Status")
    for key, name, name_zh, category, order in STATUSES:
        Status.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "name_zh_hans": name_zh,
                "category": category,
                "order": order,
                "is_default": True,
            },
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START {START}")


def unseed(apps, schema_editor):
    Status = apps.get_model("tickets", "Status")
    Status.objects.filter(key__in=[s[0] for s in STATUSES]).delete()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
