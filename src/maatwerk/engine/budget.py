"""How the stages of the State's money for one project add up, so that nothing counts twice.

Three stages (issue 13 §7): **reserved** (an intention: the maximum in a JLoI), **committed** (a binding
decision: the subsidy decision of the binding agreement, or a one-off grant) and **disbursed** (paid
out). For one project, on one day, with the amounts of each stage as they stand then:

- a binding decision supersedes the JLoI's intention: once anything is committed, the reservation
  counts for nothing (Cosun: JLoI at most EUR 105 M, binding at most EUR 73 M → 73 M, not 178 M or 105 M);
- disbursed money is part of the committed money, never added to it. Paying out more than was
  committed is an inconsistency in the data: the project then claims what was paid out (the larger
  amount) and :attr:`Counted.overpaid` says so, so the total is never below the money that left;
- the project's claim on its budget is ``reserved + committed`` of the counted amounts (one of the
  two is zero).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Counted:
    reserved_eur: float  # the intention, only while nothing is committed
    committed_eur: float  # what was committed (or, if more, what was paid out)
    disbursed_eur: float  # part of committed_eur
    superseded_reserved_eur: float  # a reservation that a commitment replaced (shown, not counted)
    overpaid: bool

    @property
    def claimed_eur(self) -> float:
        """What the project takes of its budget: the commitment, else the reservation."""
        return self.reserved_eur + self.committed_eur

    @property
    def open_commitment_eur(self) -> float:
        """Committed but not yet paid out."""
        return self.committed_eur - self.disbursed_eur


def counted(reserved_eur: float, committed_eur: float, disbursed_eur: float) -> Counted:
    """The amounts of one project that count, from the amounts each stage holds (all ≥ 0). See the module docstring."""
    for name, value in (("reserved_eur", reserved_eur), ("committed_eur", committed_eur), ("disbursed_eur", disbursed_eur)):
        if value < 0:
            raise ValueError(f"{name} is negatief: {value}")
    spent = max(committed_eur, disbursed_eur)
    if spent > 0:
        return Counted(0.0, float(spent), float(disbursed_eur), float(reserved_eur), disbursed_eur > committed_eur)
    return Counted(float(reserved_eur), 0.0, 0.0, 0.0, False)
