"""The constraints of the review step (issue 12, H2, H3), after 0002 has brought the existing rows in line.

A migration of its own: in one transaction with 0002's updates PostgreSQL refuses the ALTER TABLE
("pending trigger events").
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('trajectories', '0002_document_review'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='document',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('doc_type__in', ['business_case', 'due_diligence', 'negotiation']), _negated=True), ('confidentiality', 'confidential'), _connector='OR'), name='confidential_by_type'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('published', True), _negated=True), ('status', 'accepted'), _connector='OR'), name='only_accepted_documents_published'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('review_reason', ''), _negated=True), _connector='OR'), name='rejection_has_reason'),
        ),
    ]
