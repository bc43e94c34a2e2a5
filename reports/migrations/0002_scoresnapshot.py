"""ScoreSnapshot moves from the core to the reports app. State only: the table keeps its name and rows."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the content type (and so the permissions granted on snapshots) under the model's new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="reports", model="scoresnapshot").exists():
        ContentType.objects.filter(app_label="assessor", model="scoresnapshot").update(app_label="reports")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="reports", model="scoresnapshot").update(app_label="assessor")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('assessor', '0005_membership_github_login'),
        ('reports', '0001_initial'),
        ('surveys', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(move_content_type, restore_content_type)],
            state_operations=[
        migrations.CreateModel(
            name='ScoreSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('aspect', models.CharField(max_length=40)),
                ('rubric_version', models.CharField(max_length=20)),
                ('inputs_hash', models.CharField(max_length=40)),
                ('computed_at', models.DateTimeField()),
                ('score', models.FloatField()),
                ('level', models.PositiveSmallIntegerField()),
                ('respondents', models.PositiveIntegerField()),
                ('spread', models.FloatField()),
                ('disagreement', models.BooleanField(default=False)),
                ('evidence_floor', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('evidence_ceiling', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('evidence_items', models.PositiveIntegerField(default=0)),
                ('evidence_observed_at', models.DateTimeField(blank=True, null=True)),
                ('status', models.CharField(choices=[('agree', 'Agrees with evidence'), ('over_claim', 'Over-claim'), ('under_claim', 'Under-claim'), ('no_evidence', 'No evidence')], max_length=20)),
                ('confidence', models.FloatField()),
                ('confidence_label', models.CharField(max_length=10)),
                ('target_level', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('gap', models.SmallIntegerField(blank=True, null=True)),
                ('unverified', models.BooleanField(default=False)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='score_snapshots', to='assessor.team')),
                ('wave', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='score_snapshots', to='surveys.wave')),
            ],
            options={
                'db_table': 'assessor_scoresnapshot',
                'ordering': ['wave', 'team', 'aspect', '-computed_at'],
                'indexes': [models.Index(fields=['wave', 'team', 'aspect', 'rubric_version', 'computed_at'], name='snapshot_lookup'), models.Index(fields=['team', 'computed_at'], name='snapshot_team_history')],
            },
        ),
            ],
        ),
    ]
