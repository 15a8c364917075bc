"""Notifications move to accounts, as notices any app may send (accounts.Notification).

Each one is copied with its verb renamed ("receipt" -> "request.receipt"), the
applicant as the person it is about, the organisation's name, and the link to
the request; then the old table goes.
"""

from django.db import migrations

VERBS = {
    "receipt": "request.receipt",
    "approved": "request.approved",
    "rejected": "request.rejected",
    "new_request": "request.new",
}


def copy_to_accounts(apps, schema_editor):
    Old = apps.get_model("requests_app", "Notification")
    New = apps.get_model("accounts", "Notification")
    batch = []
    for old in Old.objects.select_related("request__organisation").iterator(chunk_size=2000):
        batch.append(
            New(
                user_id=old.user_id,
                verb=VERBS.get(old.verb, old.verb),
                actor_id=old.request.applicant_id,
                params={"organisation": old.request.organisation.name},
                url=f"/requests/{old.request_id}/",
                created_at=old.created_at,
                read_at=old.read_at,
            )
        )
        if len(batch) >= 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    Old = apps.get_model("requests_app", "Notification")
    New = apps.get_model("accounts", "Notification")
    verbs = {new: old for old, new in VERBS.items()}
    for new in New.objects.filter(verb__in=verbs).iterator():
        request_id = new.url.strip("/").rsplit("/", 1)[-1]
        if request_id.isdigit():
            Old.objects.create(
                user_id=new.user_id,
                verb=verbs[new.verb],
                request_id=int(request_id),
                created_at=new.created_at,
                read_at=new.read_at,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_notifications"),
        ("requests_app", "0003_request_queue_all_statuses_index"),
    ]

    operations = [
        migrations.RunPython(copy_to_accounts, copy_back),
        migrations.RemoveIndex(model_name="notification", name="notification_unread"),
        migrations.RemoveIndex(model_name="notification", name="notification_list"),
        migrations.DeleteModel(name="Notification"),
    ]
