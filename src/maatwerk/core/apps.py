from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "maatwerk.core"
    verbose_name = "Kern"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import datacache

        connection_created.connect(datacache.install, dispatch_uid="maatwerk-datacache")
        post_migrate.connect(datacache.after_migrate, dispatch_uid="maatwerk-datacache-migrate")
