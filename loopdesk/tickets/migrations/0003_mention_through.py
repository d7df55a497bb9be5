"""Mentions get their own table with notified_at, so notifications are sent once."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_seed_statuses_and_number_sequence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Mention",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("notified_at", models.DateTimeField(blank=True, null=True)),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="tickets.message"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("message", "user"), name="mention_unique")
                ],
            },
        ),
        migrations.RemoveField(model_name="message", name="mentions"),
        migrations.AddField(
            model_name="message",
            name="mentions",
            field=models.ManyToManyField(
                blank=True,
                related_name="mentioned_in",
                through="tickets.Mention",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
