from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Laad de demodata (publieke cijfers met bron) van elke app, in volgorde van INSTALLED_APPS. Idempotent."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not config.name.startswith("maatwerk."):
                continue
            try:
                module = import_module(f"{config.name}.demo_data")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo_data":
                    raise
                continue
            self.stdout.write(module.load())
