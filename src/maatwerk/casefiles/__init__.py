"""Case files (*casusbestanden*): a whole case as the public record gives it, in the format ``maatwerk-case/1``.

``maatwerk import_case`` and the upload page read one through the same services users have (intake,
documents, the register of figures), all or nothing and idempotently; ``maatwerk export_case`` writes
one back. The demo is loaded this way too (``demo/*.json``).
"""
