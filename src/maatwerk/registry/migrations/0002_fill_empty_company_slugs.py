"""Give every company with an empty slug a usable, unique one before the constraint forbids empty slugs.

An empty slug made every page linking to the company fail (a URL cannot be built from it); an import
before this release could store one (a company named '!!!').
"""

from django.db import migrations
from django.utils.text import slugify


def fill_empty_slugs(apps, schema_editor):
    Company = apps.get_model("registry", "Company")
    max_length = Company._meta.get_field("slug").max_length
    for company in Company.objects.filter(slug="").order_by("pk"):
        base = slugify(company.name)[:max_length].strip("-") or "bedrijf"
        candidate, number = base, 1
        while Company.objects.filter(slug=candidate).exclude(pk=company.pk).exists():
            number += 1
            suffix = f"-{number}"
            candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        company.slug = candidate
        company.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(fill_empty_slugs, migrations.RunPython.noop)]
