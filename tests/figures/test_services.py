"""Recording and publishing figures: four eyes, roles, public sources, append-only, every step an event."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maatwerk.figures import services
from maatwerk.figures.models import Figure
from maatwerk.trajectories import permissions as trajectory_permissions
from maatwerk.trajectories.models import Document, Event

from .conftest import D


def record(w, actor=None, **over):
    fields = dict(
        company=w.cosun, quantity="co2_reduction_t_per_year", low=224e3, high=263e3, qualifier="range", year=2030,
        base_period="2021", source=w.jloi, valid_from=D("2025-06-23"), confidentiality="public", actor=actor or w.programme,
    )
    return services.record_figure(**(fields | over))


def events(w, kind=None):
    qs = Event.objects.filter(trajectory=w.t_cosun).order_by("pk")
    return list(qs.filter(kind=kind) if kind else qs)


def state(figure):
    figure.refresh_from_db()
    return figure.state, figure.proposed_by_id, figure.published_by_id, figure.published_on


def test_record_propose_publish_by_two_people_each_an_event(world):
    w = world
    f = record(w)
    assert (f.state, f.recorded_by, f.unit) == ("draft", w.programme, "t CO2/jr")
    services.propose(f, w.programme)
    services.publish(f, w.programme2)
    assert state(f) == ("published", w.programme.pk, w.programme2.pk, D("2025-06-23"))
    steps = [(e.kind, e.payload["step"], e.actor_id) for e in events(w)]
    assert steps == [("figure", "recorded", w.programme.pk), ("publication", "proposed", w.programme.pk), ("publication", "published", w.programme2.pk)]
    # no event carries the value
    assert all("224" not in str(e.payload) and "263" not in str(e.payload) and "224" not in e.note for e in events(w))


def test_the_proposer_cannot_publish_their_own_proposal(world):
    w = world
    f = record(w, actor=w.programme2)
    services.propose(f, w.programme)
    before = (state(f), len(events(w)))
    with pytest.raises(services.PublicationRefused, match="U heeft dit cijfer voorgesteld; een ander lid van het programmateam publiceert het"):
        services.publish(f, w.programme)
    assert (state(f), len(events(w))) == before
    services.publish(f, w.programme2)  # the recorder may publish what someone else proposed
    assert state(f)[0] == "published"


def test_without_a_proposal_the_recorder_cannot_publish(world):
    w = world
    f = record(w)
    with pytest.raises(services.PublicationRefused, match="vastgelegd"):
        services.publish(f, w.programme)
    assert state(f)[0] == "draft"
    services.publish(f, w.programme2)
    assert state(f)[0] == "published"


@pytest.mark.parametrize("who", ["company", "province", "amvi", "nobody"])
def test_only_the_programme_team_publishes(world, who):
    w = world
    f = record(w, actor=w.company)
    services.propose(f, w.company)
    with pytest.raises(PermissionDenied):
        services.publish(f, getattr(w, who))
    assert state(f)[0] == "proposed"


def test_company_users_and_provinces_record_and_propose_for_their_own_company_only(world):
    w = world
    for user in (w.company, w.province):
        f = record(w, actor=user)
        services.propose(f, user)
        assert state(f)[:2] == ("proposed", user.pk)
    for user in (w.other_company, w.amvi, w.nobody):
        with pytest.raises(PermissionDenied):
            record(w, actor=user)
    f = record(w)
    with pytest.raises(PermissionDenied):
        services.propose(f, w.other_company)
    assert Figure.objects.filter(recorded_by__in=[w.other_company, w.amvi, w.nobody]).count() == 0


def test_a_figure_with_a_source_that_is_not_public_is_not_published(world):
    w = world
    f = record(w, source=w.internal, valid_from=D("2025-10-01"))
    services.propose(f, w.company)
    with pytest.raises(services.PublicationRefused, match="nog niet openbaar"):
        services.publish(f, w.programme2)
    assert state(f)[0] == "proposed"
    # publish the document (four eyes too), then the figure
    services.propose_document(w.internal, w.programme)
    with pytest.raises(services.PublicationRefused, match="U heeft dit document voorgesteld"):
        services.publish_document(w.internal, w.programme)
    services.publish_document(w.internal, w.programme2)
    w.internal.refresh_from_db()
    assert (w.internal.is_public, w.internal.published_on, w.internal.published_by) == (True, D("2025-10-01"), w.programme2)
    services.publish(f, w.programme2)
    assert state(f)[0] == "published"
    doc_steps = [e.payload["step"] for e in events(w, "publication") if "figure" not in e.payload]
    assert doc_steps == ["proposed", "published"]


def test_internal_or_confidential_figures_are_not_proposed_or_published(world):
    w = world
    internal = record(w, confidentiality="internal")
    with pytest.raises(services.PublicationRefused):
        services.propose(internal, w.programme)
    with pytest.raises(services.PublicationRefused):
        services.publish(internal, w.programme2)
    with pytest.raises(ValidationError) as info:
        record(w, source=w.business_case, valid_from=D("2025-03-01"), confidentiality="internal")
    assert "confidentiality" in info.value.message_dict


def test_each_step_once(world):
    w = world
    f = record(w)
    services.propose(f, w.programme)
    with pytest.raises(services.PublicationRefused, match="al voorgesteld"):
        services.propose(f, w.programme2)
    services.publish(f, w.programme2)
    with pytest.raises(services.PublicationRefused, match="al gepubliceerd"):
        services.publish(f, w.programme2)


def test_content_is_append_only(world):
    w = world
    f = record(w)
    for field, new in (("low", 1.0), ("valid_from", D("2025-07-01")), ("confidentiality", "internal"), ("source_id", w.binding.pk), ("note", "anders")):
        stale = Figure.objects.get(pk=f.pk)
        setattr(stale, field, new)
        with pytest.raises(ValidationError, match="onveranderlijk"):
            stale.save()
    with pytest.raises(ValidationError):
        Figure.objects.get(pk=f.pk).delete()
    f.refresh_from_db()
    assert (f.low, f.valid_from, f.confidentiality, f.source_id, f.note) == (224e3, D("2025-06-23"), "public", w.jloi.pk, "")


def test_a_correction_supersedes_within_its_series_once(world):
    w = world
    old = record(w)
    new = record(w, low=230e3, supersedes=old)
    assert new.supersedes == old
    with pytest.raises(ValidationError, match="al vervangen"):
        record(w, low=231e3, supersedes=old)
    with pytest.raises(ValidationError, match="dezelfde reeks"):
        record(w, quantity="nox_reduction_t_per_year", low=44.0, high=None, qualifier="exact", supersedes=new)
    assert events(w, "figure")[-1].payload["supersedes"] == old.pk


@pytest.mark.parametrize(
    "over, field",
    [
        ({"qualifier": "at_least", "high": 263e3}, "high"),
        ({"qualifier": "at_most", "low": 1.0, "high": 5.0}, "low"),
        ({"qualifier": "range", "low": 300e3, "high": 200e3}, "high"),
        ({"qualifier": "exact", "low": None, "high": None}, "low"),
        ({"low": -5.0}, "low"),
        ({"low": float("inf")}, "low"),
        ({"quantity": "happiness"}, "quantity"),
        ({"valid_from": D("2025-06-01")}, "valid_from"),  # before its source
        ({"valid_from": dt.date.today() + dt.timedelta(days=3)}, "valid_from"),
        ({"year": 1800}, "year"),
        ({"confidentiality": "secret"}, "confidentiality"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(world, over, field):
    w = world
    with pytest.raises(ValidationError) as info:
        record(w, **over)
    assert field in info.value.message_dict, info.value.message_dict
    assert Figure.objects.count() == 0 and Event.objects.count() == 0


def test_a_source_of_another_company_or_one_the_user_may_not_see_is_refused(world):
    w = world
    with pytest.raises(ValidationError) as info:
        record(w, source=w.alco_jloi, valid_from=D("2026-03-11"))
    assert "source" in info.value.message_dict
    due_diligence = Document.objects.create(
        trajectory=w.t_cosun, doc_type="due_diligence", title="DD", confidentiality="confidential", status="accepted", document_date=D("2025-05-01")
    )
    assert not trajectory_permissions.can_view_document(w.company, due_diligence)
    with pytest.raises(ValidationError) as info:
        record(w, actor=w.company, source=due_diligence, valid_from=D("2025-05-01"), confidentiality="confidential")
    assert "source" in info.value.message_dict


def test_publish_from_case_file_is_the_one_exception_and_says_so(world):
    w = world
    f = record(w)
    services.publish_from_case_file(f, w.programme)  # recorder and publisher the same person
    assert state(f)[:3] == ("published", None, w.programme.pk)
    last = events(w, "publication")[-1]
    assert "casusbestand" in last.note and last.payload["case_file"] is True
    n = len(events(w))
    services.publish_from_case_file(f, w.programme)  # re-import: nothing changes
    assert len(events(w)) == n
    with pytest.raises(PermissionDenied):
        services.publish_from_case_file(record(w, low=1.0, high=2.0), w.company)


def test_figure_events_are_redacted_like_the_figures(world):
    w = world
    confidential = record(w, source=w.business_case, valid_from=D("2025-03-01"), confidentiality="confidential", low=1.0, high=2.0)
    public = record(w)
    evs = events(w, "figure")

    def seen(user):
        return {e.pk: e.payload.get("figure") for e in trajectory_permissions.visible_events(user, evs)}

    assert seen(w.company) == {evs[0].pk: confidential.pk, evs[1].pk: public.pk}
    assert seen(w.province) == {evs[0].pk: None, evs[1].pk: public.pk}  # no confidential figure, no business case for a province
    redacted = next(e for e in trajectory_permissions.visible_events(w.province, evs) if e.pk == evs[0].pk)
    assert (redacted.note, redacted.source) == ("Cijfer (niet zichtbaar voor uw rol)", "")
