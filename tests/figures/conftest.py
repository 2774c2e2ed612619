"""A small world for the register's tests: two companies with a trajectory each, sources, users per role.

No demo data: the register is tested on records these tests write themselves."""

import datetime as dt

import pytest

from maatwerk.accounts.models import Role
from maatwerk.finance.models import Project
from maatwerk.registry.models import Company
from maatwerk.trajectories.models import Document, Party, Trajectory

from ..helpers import make_user

D = dt.date.fromisoformat


class World:
    pass


def document(trajectory, title, date, *, public=True, doc_type="jloi", confidentiality=None, precision="day", uploaded_by=None, originator="state"):
    confidentiality = confidentiality or ("public" if public else "internal")
    return Document.objects.create(
        trajectory=trajectory, doc_type=doc_type, title=title, document_date=date, date_precision=precision,
        confidentiality=confidentiality, published=public, published_on=date if public else None,
        status="accepted", reference=f"kenmerk {title}", public_url="https://example.org/" + title.replace(" ", "-"),
        uploaded_by=uploaded_by, originator=originator,
    )


@pytest.fixture
def world(db):
    w = World()
    w.cosun = Company.objects.create(name="Royal Cosun", slug="royal-cosun", in_programme=True)
    w.alco = Company.objects.create(name="Alco Energy Rotterdam", slug="alco", in_programme=True)
    w.t_cosun = Trajectory.objects.create(company=w.cosun)
    w.t_alco = Trajectory.objects.create(company=w.alco)
    w.limburg = Party.objects.create(name="Provincie Zeeland", kind="province")
    w.t_cosun.parties.add(w.limburg)
    w.project = Project.objects.create(trajectory=w.t_cosun, name="Elektrificatie Dinteloord")
    w.jloi = document(w.t_cosun, "JLoI Cosun", D("2025-06-23"))
    w.binding = document(w.t_cosun, "Bindende afspraak Cosun", D("2025-12-18"), doc_type="binding_agreement")
    w.internal = document(w.t_cosun, "Concept-afspraak", D("2025-10-01"), public=False, doc_type="binding_agreement")
    w.business_case = document(w.t_cosun, "Businesscase Cosun", D("2025-03-01"), public=False, doc_type="business_case", confidentiality="confidential", originator="company")
    w.alco_jloi = document(w.t_alco, "JLoI Alco", D("2026-03-11"))
    w.programme = make_user("p-een", Role.PROGRAMME)
    w.programme2 = make_user("p-twee", Role.PROGRAMME)
    w.company = make_user("c-cosun", Role.COMPANY, company=w.cosun)
    w.other_company = make_user("c-alco", Role.COMPANY, company=w.alco)
    w.province = make_user("prov-zeeland", Role.PROVINCE, party=w.limburg)
    w.amvi = make_user("amvi-lid", Role.AMVI)
    w.nobody = make_user("zonder-rol")
    return w
