from django.db import models


class DataGeneration(models.Model):
    """One row whose number rises after every committed write to the apps' tables (``core.datacache``).

    It lives in the database, not in the cache, so that every process sees the same number whatever
    cache it has; its table name lies outside the tracked prefixes, so raising it is not itself a
    tracked write. Never backed up or restored: a restored number could fall back to one used before."""

    value = models.BigIntegerField()

    class Meta:
        db_table = "maatwerk_data_generation"
        verbose_name = "datageneratie"
