"""Validators merge a duplicate operator into the one that stays, and suspend or reinstate one."""

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from accounts.tests.factories import UserFactory
from entities.models import Membership, Organisation, OrganisationEvent, Status
from entities.tests.factories import MembershipFactory, OperatorFactory
from requests_app.models import RequestStatus
from requests_app.services import (
    RequestError,
    RequestNotAllowed,
    operator_merge,
    operator_reinstate,
    operator_suspend,
    request_submit,
)

CAST = [
    "applicant",
    "colleague",
    "outsider",
    "operator_admin",
    "validator_inao",
    "validator_other",
    "superuser",
]


@pytest.fixture(autouse=True)
def _in_english():
    """Services' messages in English, whatever language a page before left active."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def duplicate(db, inao):
    """Bio Import Lyon again, under another name, with its own member and admin."""
    return OperatorFactory(name="Bio-Import Lyon SARL", country="FR", city="Lyon")


@pytest.fixture
def duplicate_member(duplicate):
    user = UserFactory(first_name="Denis", last_name="Double", email="denis@example.eu")
    MembershipFactory(user=user, organisation=duplicate, is_admin=True)
    return user


def merge_url(operator, keep=None):
    url = reverse("admin:entities_operator_merge", args=[operator.pk])
    return f"{url}?keep={keep.pk}" if keep else url


# --- Merge: the service ------------------------------------------------------------


def test_merging_moves_members_requests_and_history_into_the_operator_that_stays(
    operator, operator_admin, colleague, duplicate, duplicate_member, applicant, validator_inao
):
    both = UserFactory(email="both@example.eu")
    MembershipFactory(user=both, organisation=operator, is_admin=False)
    MembershipFactory(user=both, organisation=duplicate, is_admin=True)
    req = request_submit(applicant=applicant, organisation=duplicate)
    OrganisationEvent.objects.create(organisation=duplicate, action="changed", note="old")
    mail.outbox.clear()

    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, operator)
    assert duplicate.eori  # kept for the record
    members = dict(
        Membership.objects.filter(organisation=operator).values_list("user__email", "is_admin")
    )
    assert members == {
        operator_admin.email: True,
        colleague.email: False,
        duplicate_member.email: True,
        both.email: True,  # one membership, the stronger rights
    }
    assert not Membership.objects.filter(organisation=duplicate).exists()
    req.refresh_from_db()
    assert (req.organisation, req.status) == (operator, RequestStatus.PENDING)
    assert "bio import lyon" in req.search_text
    history = OrganisationEvent.objects.filter(organisation=operator)
    assert history.filter(note="old").exists()
    assert history.filter(action="merged_from", actor=validator_inao).exists()
    assert OrganisationEvent.objects.filter(organisation=duplicate, action="merged_into").exists()
    told = {address for m in mail.outbox for address in m.to}
    assert {operator_admin.email, colleague.email, duplicate_member.email, both.email} <= told
    notice = Notification.objects.get(user=colleague, verb="operator.merged")
    assert "Bio-Import Lyon SARL was a duplicate" in notice.text


def test_the_eori_of_a_merged_operator_no_longer_counts(operator, duplicate, validator_inao):
    eori = duplicate.eori
    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    # Another operator may hold it now (the one that stays could take it, for one).
    other = OperatorFactory(country="FR", eori=eori)
    assert other.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        OperatorFactory(country="FR", eori=eori)


def test_a_person_with_an_open_request_on_both_keeps_one(
    operator, duplicate, applicant, validator_inao
):
    on_keep = request_submit(applicant=applicant, organisation=operator)
    on_duplicate = request_submit(applicant=applicant, organisation=duplicate)
    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    on_keep.refresh_from_db()
    on_duplicate.refresh_from_db()
    assert on_keep.status == RequestStatus.PENDING
    assert (on_duplicate.status, on_duplicate.organisation) == (RequestStatus.WITHDRAWN, operator)
    assert "Merged into Bio Import Lyon" in on_duplicate.reason


def test_only_validators_of_the_operators_authority_merge(
    operator, duplicate, validator_other, applicant
):
    for who in (validator_other, applicant):
        with pytest.raises(RequestNotAllowed):
            operator_merge(duplicate=duplicate, keep=operator, by=who)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.VALID


def test_an_operator_is_not_merged_into_itself_or_twice(operator, duplicate, validator_inao):
    with pytest.raises(RequestError, match="cannot be merged into itself"):
        operator_merge(duplicate=operator, keep=operator, by=validator_inao)
    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    with pytest.raises(RequestError, match="already been merged"):
        operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    with pytest.raises(RequestError, match="choose another operator to keep"):
        operator_merge(duplicate=operator, keep=duplicate, by=validator_inao)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_lets_the_history_move_but_not_change(operator, duplicate, validator_inao):
    from django.db import DatabaseError

    OrganisationEvent.objects.create(organisation=duplicate, action="changed", note="old")
    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    assert OrganisationEvent.objects.filter(organisation=operator, note="old").exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        OrganisationEvent.objects.filter(organisation=operator).update(note="rewritten")


# --- Merge: the pages ----------------------------------------------------------------


def test_the_merged_operators_page_redirects_to_the_one_that_stays(
    client, operator, duplicate, validator_inao, outsider
):
    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    client.force_login(outsider)
    response = client.get(reverse("entities:organisation", args=[duplicate.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("entities:organisation", args=[operator.pk])
    directory = client.get(reverse("entities:operators"), {"name": "Lyon"}).content.decode()
    assert "Bio-Import Lyon SARL" not in directory
    assert "Bio Import Lyon" in directory


def test_a_validator_chooses_confirms_and_merges_in_the_admin(
    client, operator, duplicate, duplicate_member, validator_inao
):
    client.force_login(validator_inao)
    change = client.get(reverse("admin:entities_operator_change", args=[duplicate.pk]))
    assert change.status_code == 200
    assert merge_url(duplicate) in change.content.decode()
    choose = client.get(merge_url(duplicate)).content.decode()
    assert "Bio Import Lyon" in choose  # a similar name, offered
    confirm = client.get(merge_url(duplicate, keep=operator))
    assert confirm.status_code == 200
    assert "Confirm" in confirm.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.VALID  # nothing changed on GET
    response = client.post(merge_url(duplicate), {"keep": operator.pk}, follow=True)
    assert "has been merged into Bio Import Lyon" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
    assert Membership.objects.filter(user=duplicate_member, organisation=operator).exists()


def test_the_request_pages_possible_duplicates_link_to_the_merge(
    client, duplicate, applicant, operator, validator_inao
):
    req = request_submit(applicant=applicant, organisation=duplicate)
    client.force_login(validator_inao)
    page = client.get(
        reverse("admin:requests_app_authorisationrequest_change", args=[req.pk])
    ).content.decode()
    assert merge_url(duplicate, keep=operator).replace("?", "?") in page.replace("&amp;", "&")


@pytest.mark.parametrize("who", CAST)
def test_only_the_authoritys_validators_reach_the_merge(client, cast, operator, duplicate, who):
    client.force_login(cast[who])
    response = client.post(merge_url(duplicate), {"keep": operator.pk})
    if who in ("validator_inao", "superuser"):
        assert response.status_code == 302
        assert Organisation.objects.get(pk=duplicate.pk).status == Status.MERGED
    else:
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"]
        assert Organisation.objects.get(pk=duplicate.pk).status == Status.VALID


def test_the_merge_needs_the_csrf_token(operator, duplicate, validator_inao):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(validator_inao)
    assert strict.post(merge_url(duplicate), {"keep": operator.pk}).status_code == 403
    assert Organisation.objects.get(pk=duplicate.pk).status == Status.VALID


# --- Suspend and reinstate -----------------------------------------------------------


def test_a_suspended_operator_accepts_no_request_and_its_members_read_why(
    client, operator, colleague, applicant, validator_inao
):
    mail.outbox.clear()
    operator_suspend(operator=operator, by=validator_inao, reason="Certificate withdrawn")
    operator.refresh_from_db()
    assert (operator.status, operator.status_reason) == (Status.SUSPENDED, "Certificate withdrawn")
    assert OrganisationEvent.objects.filter(
        organisation=operator, action="suspended", note="Certificate withdrawn"
    ).exists()
    (message,) = [m for m in mail.outbox if colleague.email in m.to]
    assert "suspended" in message.subject and "Certificate withdrawn" in message.body
    with pytest.raises(RequestError, match="does not accept requests"):
        request_submit(applicant=applicant, organisation=operator)

    page = reverse("entities:organisation", args=[operator.pk])
    client.force_login(colleague)
    content = client.get(page).content.decode()
    assert "Certificate withdrawn" in content
    assert "This operator is suspended" in content
    client.force_login(applicant)
    content = client.get(page).content.decode()
    assert "This operator is suspended" in content
    assert "Certificate withdrawn" not in content  # for its members
    assert "Request authorisation" not in content
    directory = client.get(reverse("entities:operators"), {"name": "Bio Import"}).content.decode()
    assert "Suspended" in directory

    operator_reinstate(operator=operator, by=validator_inao, reason="Certificate renewed")
    operator.refresh_from_db()
    assert (operator.status, operator.status_reason) == (Status.VALID, "")
    assert request_submit(applicant=applicant, organisation=operator).is_pending


def test_suspending_needs_a_reason_and_the_right_authority(
    operator, validator_inao, validator_other
):
    with pytest.raises(RequestError, match="Give the reason"):
        operator_suspend(operator=operator, by=validator_inao, reason="")
    with pytest.raises(RequestNotAllowed):
        operator_suspend(operator=operator, by=validator_other, reason="x")
    with pytest.raises(RequestError, match="cannot be reinstated"):
        operator_reinstate(operator=operator, by=validator_inao, reason="x")


def test_a_validator_suspends_with_a_reason_and_a_confirmation_in_the_admin(
    client, operator, validator_inao
):
    client.force_login(validator_inao)
    url = reverse("admin:entities_operator_suspend", args=[operator.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    confirm = client.post(url, {"reason": "Fraud suspected"})
    assert confirm.status_code == 200 and "Confirm" in confirm.content.decode()
    assert Organisation.objects.get(pk=operator.pk).status == Status.VALID
    client.post(url, {"reason": "Fraud suspected", "confirmed": "yes"})
    assert Organisation.objects.get(pk=operator.pk).status == Status.SUSPENDED
    change = client.get(reverse("admin:entities_operator_change", args=[operator.pk]))
    assert reverse("admin:entities_operator_reinstate", args=[operator.pk]) in (
        change.content.decode()
    )


@pytest.mark.parametrize("who", CAST)
def test_only_the_authoritys_validators_suspend(client, cast, operator, who):
    client.force_login(cast[who])
    url = reverse("admin:entities_operator_suspend", args=[operator.pk])
    response = client.post(url, {"reason": "x", "confirmed": "yes"})
    suspended = Organisation.objects.get(pk=operator.pk).status == Status.SUSPENDED
    assert suspended == (who in ("validator_inao", "superuser"))
    if not suspended:
        assert response.status_code in (302, 404)


def test_an_existing_validators_group_gets_the_new_permission_at_migrate(validator_inao):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    group = Group.objects.get(name="Validators")
    group.permissions.clear()  # as a group made before this release
    call_command("migrate", verbosity=0)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_authorisationrequest",
        "decide_authorisationrequest",
        "view_operator",
    }


def test_the_admin_page_shows_why_it_is_suspended_and_what_it_was_merged_into(
    client, operator, duplicate, validator_inao, superuser
):
    operator_suspend(operator=operator, by=validator_inao, reason="Certificate withdrawn")
    operator_reinstate(operator=operator, by=validator_inao, reason="Renewed")
    operator_suspend(operator=operator, by=validator_inao, reason="Withdrawn again")
    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    client.force_login(superuser)
    page = client.get(reverse("admin:entities_operator_change", args=[operator.pk]))
    assert "Withdrawn again" in page.content.decode()
    page = client.get(reverse("admin:entities_operator_change", args=[duplicate.pk]))
    assert "Bio Import Lyon" in page.content.decode()
    assert 'name="status_reason"' not in page.content.decode()  # read-only


def test_a_change_proposed_for_the_duplicate_is_closed_not_applied_to_the_one_that_stays(
    operator, operator_admin, duplicate, duplicate_member, validator_inao
):
    from requests_app.services import change_propose

    on_keep = change_propose(
        operator=operator, proposed={"city": "Villeurbanne"}, by=operator_admin
    )
    on_duplicate = change_propose(
        operator=duplicate, proposed={"city": "Vénissieux"}, by=duplicate_member
    )
    # Its author left the duplicate since: not a member of the one that stays either.
    Membership.objects.filter(user=duplicate_member, organisation=duplicate).delete()
    operator_merge(duplicate=duplicate, keep=operator, by=validator_inao)
    on_keep.refresh_from_db()
    on_duplicate.refresh_from_db()
    assert on_keep.status == RequestStatus.PENDING
    assert (on_duplicate.status, on_duplicate.organisation) == (RequestStatus.WITHDRAWN, operator)
    operator.refresh_from_db()
    assert operator.city == "Lyon"
