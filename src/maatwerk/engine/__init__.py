"""Pure engine: every rule and formula of the maatwerk approach.

No Django and no I/O here. Functions take plain values or numpy arrays (scenario axes first, time
last) and return the same; scalars work too.
"""
