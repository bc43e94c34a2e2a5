"""ScoreSnapshot now belongs to the reports app (reports 0002). State only: its table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assessor', '0005_membership_github_login'),
        ('reports', '0002_scoresnapshot'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='ScoreSnapshot')],
        ),
    ]
