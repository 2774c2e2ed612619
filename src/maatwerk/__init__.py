"""maatwerk: software for the Dutch tailored approach to industrial decarbonisation."""

__version__ = "0.1.0"
