from django.db import migrations, models


class Migration(migrations.Migration):
    """Its own migration (its own transaction on PostgreSQL): 0006's updates of the relations leave deferred
    foreign-key checks pending, and a table with pending checks cannot be altered in the same transaction."""

    dependencies = [
        ("notifications", "0006_about_relations"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='outgoingemail',
            name='outbox_kind_topic',
        ),
        migrations.RemoveField(
            model_name='outgoingemail',
            name='topic',
        ),
        migrations.AddIndex(
            model_name='outgoingemail',
            index=models.Index(fields=['about_type', 'about_id', 'party_id', 'kind', 'occasion_at'], name='outbox_about'),
        ),
    ]
