import pytest

from maatwerk.finance.decks import import_deck

YEARS = range(2024, 2061)


def deck_csv(gas=30.0, power=80.0, ets=90.0, scenarios=("central", "high")) -> bytes:
    lines = ["scenario,year,gas_eur_per_mwh,electricity_eur_per_mwh,ets_eur_per_t,hydrogen_eur_per_kg,co2_ts_eur_per_t,source"]
    for k, scenario in enumerate(scenarios):
        for y in YEARS:
            lines.append(f"{scenario},{y},{gas * (1 + k)},{power},{ets + (y - 2024)},,,test")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def deck(db):
    return import_deck(deck_csv(ets=50.0), "test.csv", "Test", illustrative=True)
