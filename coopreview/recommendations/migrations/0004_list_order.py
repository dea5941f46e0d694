"""Recommendations carry a copy of their source's date so the list's default order is one index;
an index answers "does this source hold anything visible?" for the source filter."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_source_date(apps, schema_editor) -> None:
    # One UPDATE with a correlated subquery: fine for a million rows, no rows loaded into Python.
    Recommendation = apps.get_model("recommendations", "Recommendation")
    Source = apps.get_model("recommendations", "Source")
    Recommendation.objects.update(
        source_date=Subquery(Source.objects.filter(pk=OuterRef("source_id")).values("date")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("recommendations", "0003_unaccent"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="source_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(fill_source_date, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["source_date", "source", "reference_sort"], name="rec_list_order_idx"),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["source", "visibility"], name="rec_source_visibility_idx"),
        ),
    ]
