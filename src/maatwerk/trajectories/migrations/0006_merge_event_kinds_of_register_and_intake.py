# Merge of the register's and the intake's migrations 0005: both add event kinds.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('trajectories', '0005_event_kinds_figure_publication'),
        ('trajectories', '0005_trajectory_admission_event_bounds_and_exceptions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='event',
            name='kind',
            field=models.CharField(choices=[('transition', 'Faseovergang'), ('edit', 'Wijziging'), ('document', 'Document'), ('amvi_advice', 'AMVI-advies'), ('amvi_response', 'Reactie op AMVI-punt'), ('parliament', 'Kamer geïnformeerd'), ('note', 'Notitie'), ('review', 'Documentbeoordeling'), ('figure', 'Cijfer'), ('publication', 'Publicatie'), ('gate_exception', 'Uitzondering op poortvoorwaarden'), ('party', 'Partij')], max_length=20, verbose_name='soort'),
        ),
    ]
