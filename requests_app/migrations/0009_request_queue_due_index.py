from django.db import migrations, models


class Migration(migrations.Migration):
    """The counts of a validator's queue (pending, overdue) from this index alone."""

    dependencies = [
        ("requests_app", "0008_reminders_sent"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="authorisationrequest",
            index=models.Index(
                fields=["routed_to", "status", "due_date"], name="request_queue_due"
            ),
        ),
    ]
