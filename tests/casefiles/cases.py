"""Case files the tests write themselves: an Alco-like case from the public record of its JLoI
(DOMAIN.md §6: EoP by June 2025, JLoI 11 March 2026, 65–75% below 2021 = 224–263 kt a year, a 45 MW
e-boiler, 100 million m3 less natural gas a year), with undated and bounded events and ranged figures."""

import copy


def alco_like(name: str = "Alco-achtig Ethanol") -> dict:
    return copy.deepcopy({
        "format": "maatwerk-case/1",
        "company": {
            "name": name,
            "sector": "industry",
            "subsector": "bio-ethanol",
            "sites": "Europoort",
            "provinces": ["Zuid-Holland"],
            "installations": ["NL-9001"],
            "admission": {"kind": "extension", "reason": "Buiten de top-20 toegelaten als uitbreiding.", "source": "P24"},
        },
        "sources": {
            "P24": {"kind": "kamerbrief", "title": "Voortgangsbrief maatwerk maart 2024", "date": "2024-03", "public": True},
            "P25": {"kind": "kamerbrief", "title": "Voortgangsbrief maatwerk 30 juni 2025", "date": "2025-06-30",
                    "reference": "Kamerstuk 29 826 nr. 260", "public": True},
            "J": {"kind": "jloi", "title": "Joint Letter of Intent", "date": "2026-03-11", "public": True,
                  "url": "https://www.rijksoverheid.nl/documenten/voorbeeld"},
            "BC": {"kind": "business_case", "title": "Businesscase (vertrouwelijk)", "date": "2025", "public": False,
                   "confidentiality": "confidential"},
        },
        "parties": [{"name": "Ministerie van Klimaat en Groene Groei (KGG)", "role": "state"},
                    {"name": "Provincie Zuid-Holland", "role": "province"}],
        "events": [
            {"to_phase": "eop_signed", "date": None, "not_after": "2025-06-30", "source": "P25",
             "exception": {"gates": ["climate_plan", "willing_to_invest_in_nl", "eop_document"],
                           "reason": "Niet in het openbare dossier; de voortgangsbrief telt de EoP mee.", "source": "P25"}},
            {"to_phase": "jloi_concept", "date": None, "before": "2026-03-11", "source": "J",
             "exception": {"gates": ["concept_jloi_document", "climate_plan"], "reason": "Vertrouwelijk, niet in het dossier.", "source": "J"}},
            {"to_phase": "amvi_advice", "date": None, "before": "2026-03-11", "source": "J",
             "exception": {"gates": ["amvi_advice_recorded", "amvi_feasibility", "amvi_cost_effectiveness", "amvi_ambition"],
                           "reason": "Het AMVI-advies is niet openbaar gevonden.", "source": "J"}},
            {"to_phase": "jloi_signed", "date": "2026-03-11", "source": "J",
             "exception": {"gates": ["amvi_advice_recorded"], "reason": "Het AMVI-advies is niet openbaar gevonden.", "source": "J"}},
            {"kind": "parliament_informed", "date": None, "not_after": "2026-03", "source": "J"},
        ],
        "projects": [{
            "key": "eboiler", "name": "E-boiler en procesverduurzaming", "techniques": ["electrification"],
            "figures": [
                {"quantity": "co2_reduction_t_per_year", "low": 224000, "high": 263000, "qualifier": "range",
                 "year": 2030, "base_year": 2021, "valid_from": "2026-03-11", "source": "J",
                 "confidentiality": "public", "published": True},
                {"quantity": "reduction_pct", "low": 65, "high": 75, "qualifier": "range", "year": 2030,
                 "base_year": 2021, "valid_from": "2026-03-11", "source": "J", "confidentiality": "public", "published": True},
                {"quantity": "electric_capacity_mw", "low": 45, "high": 45, "qualifier": "exact",
                 "valid_from": "2026-03-11", "source": "J", "confidentiality": "public", "published": True},
                {"quantity": "gas_reduction_m3_per_year", "low": 100000000, "high": 100000000, "qualifier": "about",
                 "valid_from": "2026-03-11", "source": "J", "confidentiality": "public", "published": False},
            ],
        }],
    })
