"""Documents get a review state and an originator; business cases, due diligence and negotiation papers
are confidential by type (issue 12, H2, H3, M8).

Existing documents were recorded before the review step existed: they count as accepted. Their
originator is the company when a company user uploaded them, otherwise it follows the type.
Rows of a confidential type become confidential (and so unpublished) here; the constraints follow in
0003, a transaction of their own: PostgreSQL refuses to alter a table with trigger events still
pending from the rows just updated.
"""

from django.conf import settings
from django.db import migrations, models


CONFIDENTIAL_TYPES = ["business_case", "due_diligence", "negotiation"]
COMPANY_SUPPLIED_TYPES = ["business_case", "climate_plan", "progress_report", "concept_jloi"]


def forward(apps, schema_editor):
    Document = apps.get_model("trajectories", "Document")
    Membership = apps.get_model("accounts", "Membership")
    Document.objects.update(status="accepted")
    Document.objects.filter(doc_type__in=COMPANY_SUPPLIED_TYPES).update(originator="company")
    company_users = Membership.objects.filter(role="company").values("user_id")
    Document.objects.filter(uploaded_by__in=company_users).update(originator="company")
    Document.objects.filter(doc_type__in=CONFIDENTIAL_TYPES).update(confidentiality="confidential", published=False, published_on=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
        ('trajectories', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='document',
            name='business_case_never_public',
        ),
        migrations.AddField(
            model_name='document',
            name='originator',
            field=models.CharField(choices=[('company', 'Bedrijf'), ('state', 'Staat')], default='state', max_length=10, verbose_name='afkomstig van'),
        ),
        migrations.AddField(
            model_name='document',
            name='proposed_public',
            field=models.BooleanField(default=False, help_text='Het bedrijf stelt voor dit document openbaar te maken; het programmateam beslist.', verbose_name='voorgesteld openbaar'),
        ),
        migrations.AddField(
            model_name='document',
            name='review_reason',
            field=models.TextField(blank=True, verbose_name='toelichting beoordeling'),
        ),
        migrations.AddField(
            model_name='document',
            name='status',
            field=models.CharField(choices=[('submitted', 'Ingediend, nog niet beoordeeld'), ('accepted', 'Geaccepteerd'), ('rejected', 'Afgewezen')], default='submitted', max_length=10, verbose_name='beoordeling'),
        ),
        migrations.AlterField(
            model_name='document',
            name='doc_type',
            field=models.CharField(choices=[('eop', 'Expression of Principles'), ('concept_jloi', 'Concept-JLoI'), ('jloi', 'Joint Letter of Intent'), ('amvi_advice', 'AMVI-advies'), ('business_case', 'Businesscase'), ('due_diligence', 'Due diligence'), ('climate_plan', 'Klimaatplan'), ('binding_agreement', 'Bindende maatwerkafspraak'), ('progress_report', 'Voortgangsrapportage'), ('negotiation', 'Onderhandelingsstukken'), ('other', 'Overig')], max_length=30, verbose_name='soort'),
        ),
        migrations.AlterField(
            model_name='event',
            name='kind',
            field=models.CharField(choices=[('transition', 'Faseovergang'), ('edit', 'Wijziging'), ('document', 'Document'), ('amvi_advice', 'AMVI-advies'), ('amvi_response', 'Reactie op AMVI-punt'), ('parliament', 'Kamer geïnformeerd'), ('note', 'Notitie'), ('review', 'Documentbeoordeling')], max_length=20, verbose_name='soort'),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
