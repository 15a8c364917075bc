"""ASVS 5.0 V8 Authorization: object-level access on every URL that carries an id.

The URLs come from the resolver, not from a hand-kept list: a new URL with an
id fails `test_v8_2_2_every_url_with_an_id_has_an_access_rule` until its rule
is written below. Each rule says who of the cast may use the URL; every other
member of the cast, and an anonymous visitor, must get no page (403, 404, or a
redirect to a log-in page) and must change nothing.
"""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from accounts.models import Notification
from requests_app.models import AuthorisationRequest, RequestStatus
from tests.security.urlwalk import routes_with_ids

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(
    {
        "applicant",
        "colleague",
        "outsider",
        "operator_admin",
        "validator_inao",
        "validator_other",
        "superuser",
    }
)
DECIDERS = frozenset({"operator_admin", "validator_inao", "superuser"})

# Portal URLs: name -> (parameter -> object, method, who may).
PORTAL_RULES = {
    "entities:organisation": ("organisation", "get", EVERYONE),  # the directory is shared
    "requests:request_create": ("organisation", "get", EVERYONE),  # anyone may ask to join
    "requests:detail": ("request", "get", DECIDERS | {"applicant"}),
    "requests:history": ("request", "get", DECIDERS | {"applicant"}),
    "requests:sent": ("request", "get", frozenset({"applicant"})),
    "requests:withdraw": ("request", "post", frozenset({"applicant"})),
    "requests:correct": ("request", "post", frozenset({"applicant"})),
    "requests:approve": ("request", "post", DECIDERS),
    "requests:reject": ("request", "post", DECIDERS),
    "accounts:notification_read": ("notification", "post", frozenset({"applicant"})),
    # Issue 14: an organisation's members, its administrators' changes, a proposed change.
    "entities:members": ("organisation", "get", frozenset({"operator_admin", "colleague"})),
    "entities:contact_administrators": (
        "organisation",
        "post",
        frozenset({"operator_admin", "colleague"}),
    ),
    "entities:leave": ("organisation", "post", frozenset({"operator_admin", "colleague"})),
    "entities:invite": ("organisation", "post", frozenset({"operator_admin"})),
    "entities:member_remove": ("membership", "post", frozenset({"operator_admin"})),
    "entities:member_grant_admin": ("membership", "post", frozenset({"operator_admin"})),
    "entities:member_revoke_admin": ("membership", "post", frozenset({"operator_admin"})),
    "entities:invitation_revoke": ("invitation", "post", frozenset({"operator_admin"})),
    "requests:change_propose": ("organisation", "get", frozenset({"operator_admin"})),
    "accounts:session_end": ("session", "post", frozenset({"applicant"})),
}
# What the allowed person posts (a form that would otherwise be refused as empty).
POST_DATA = {
    "requests:reject": {"reason": "Not an operator."},
    "entities:contact_administrators": {"message": "Hello"},
    "entities:invite": {"email": "newcomer@example.eu"},
}

# Keys that are not ids of anyone's data: capabilities, tested elsewhere.
NOT_OBJECT_IDS = {
    "account_confirm_email": "a random e-mail confirmation key (V6 tests)",
    "account_reset_password_from_key": "a signed, expiring password token (V6 tests)",
    "captcha-image": "the random key of a captcha challenge",
    "captcha-image-2x": "the random key of a captcha challenge",
    "captcha-audio": "the random key of a captcha challenge",
    "entities:invitation": "an invitation's random token, kept hashed (entities tests)",
    "admin:app_list": "an application name, not an object",
    None: "the admin's catch-all and unnamed redirects",
    # allauth's own views of a person's passkeys ask for the password again first,
    # then look the key up among the person's own: accounts/tests/test_passkeys.py.
    "mfa_remove_webauthn": "a passkey, after re-authentication (accounts/tests/test_passkeys.py)",
    "mfa_edit_webauthn": "a passkey, after re-authentication (accounts/tests/test_passkeys.py)",
}


@pytest.fixture
def story(cast, pending_request, operator):
    from entities.members import invitation_send
    from entities.models import Membership

    return {
        "organisation": operator,
        # The colleague's membership of the operator, and an invitation it sent.
        "membership": Membership.objects.get(user=cast["colleague"], organisation=operator),
        "invitation": invitation_send(
            organisation=operator, email="invited@example.eu", by=cast["operator_admin"]
        ),
        "request": pending_request,
        "notification": Notification.objects.filter(user=cast["applicant"]).first(),
        "session": UserSession.objects.create(
            user=cast["applicant"], ip="192.0.2.1", session_key="s" * 32, user_agent="Firefox"
        ),
        "cast": cast,
    }


_CLIENT = []


def _client(user) -> Client:
    """One test client, logged in as `user` (None: anonymous).

    Reused, because each new Client builds the middleware chain again, and
    WhiteNoise then re-reads every static file (most of a second).
    """
    if not _CLIENT:
        _CLIENT.append(Client())
    client = _CLIENT[0]
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _refused(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code == 302:
        location = response["Location"]
        return "/login/" in location or location.rstrip("/").endswith("/admin")
    return False


def _admin_routes():
    return [r for r in routes_with_ids() if r.name and r.name.startswith("admin:")]


def _admin_rule_names():
    return {r.name for r in _admin_routes() if r.name != "admin:app_list"}


def test_v8_2_2_every_url_with_an_id_has_an_access_rule():
    unknown = [
        (route.name, route.route)
        for route in routes_with_ids()
        if route.name not in PORTAL_RULES
        and route.name not in NOT_OBJECT_IDS
        and route.name not in _admin_rule_names()
    ]
    assert unknown == [], "add an access rule for these URLs to this module"


@pytest.mark.parametrize("name", sorted(PORTAL_RULES))
def test_v8_2_2_only_the_people_concerned_reach_a_portal_object(story, name):
    """Every member of the cast and an anonymous visitor, on one URL with an id."""
    route = next(r for r in routes_with_ids() if r.name == name)
    kind, method, allowed = PORTAL_RULES[name]
    obj = story[kind]
    assert obj is not None
    # An organisation's membership or invitation: the organisation's pk, then its own.
    values = dict.fromkeys(route.parameters, obj.pk)
    if kind in ("membership", "invitation"):
        values = {"pk": obj.organisation_id, f"{kind}_pk": obj.pk}
    path = route.path(**values)
    request_before = AuthorisationRequest.objects.get(pk=story["request"].pk).status

    refused_people = sorted(EVERYONE - allowed) + [None]
    for who in refused_people:
        user = story["cast"][who] if who else None
        response = getattr(_client(user), method)(path)
        assert _refused(response), (who, path, response.status_code)
        if response.status_code == 302:
            assert who is None, (who, path)  # only the anonymous visitor is sent to log in

    # Nobody refused changed anything.
    assert AuthorisationRequest.objects.get(pk=story["request"].pk).status == request_before
    if kind == "notification":
        assert Notification.objects.get(pk=obj.pk).read_at is None

    # And one person allowed gets through (state-changing URLs: only once).
    for who in sorted(allowed):
        response = getattr(_client(story["cast"][who]), method)(path, POST_DATA.get(name, {}))
        assert response.status_code in (200, 302), (who, path, response.status_code)
        assert not _refused(response) or response.status_code == 302, (who, path)
        if method == "post":
            break


def _admin_object_for(route, story):
    """An object of the model the admin URL is about, from the story."""
    from django.contrib.admin import site

    for model in site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        if route.name.startswith("admin:{}_{}_".format(*info)):
            if model is AuthorisationRequest:
                return story["request"]
            return model._default_manager.order_by("pk").first()
    if route.name == "admin:auth_user_password_change":
        return story["cast"]["applicant"]
    if route.name == "admin:view_on_site":
        return story["organisation"]
    raise AssertionError(f"no model for {route.name}")


def _admin_path(route, obj) -> str:
    values = {}
    for parameter in route.parameters:
        if parameter == "content_type_id":
            values[parameter] = ContentType.objects.get_for_model(obj).pk
        else:
            values[parameter] = obj.pk
    return route.path(**values)


def _admin_may(who: str, route) -> bool:
    if who == "superuser":
        return True
    if who == "validator_inao":
        # A validator sees the requests routed to their own authority, and the operators
        # of its country (read-only: to merge duplicates, suspend, reinstate), nothing else.
        if route.name.startswith("admin:entities_operator_"):
            return not route.name.endswith("_delete")
        # ...and the memberships of its country: there it appoints an administrator.
        if route.name.startswith("admin:entities_membership_"):
            return not route.name.endswith("_delete")
        return route.name.startswith("admin:requests_app_authorisationrequest_") and not (
            route.name.endswith(("_delete", "_membership_admin"))
        )
    return False


def test_v8_2_2_the_admin_shows_an_object_only_to_whom_it_concerns(story, django_user_model):
    """Every admin URL with an id, for every member of the cast and for an anonymous visitor.

    People who are not staff never see an admin page; the validator of another
    country's authority sees nothing of a request routed to INAO; the INAO
    validator sees the request routed to INAO and no person's account.
    """
    problems = []
    people = sorted(EVERYONE) + [None]
    for route in _admin_routes():
        if route.name == "admin:app_list":
            continue
        obj = _admin_object_for(route, story)
        if obj is None:
            continue  # no row of this model in the story (e.g. no task result)
        path = _admin_path(route, obj)
        for who in people:
            response = _client(story["cast"][who] if who else None).get(path)
            if response.status_code >= 500:
                problems.append((who, path, response.status_code))
            elif who is not None and _admin_may(who, route):
                continue
            elif response.status_code == 200:
                problems.append((who, path, 200))
    assert problems == []
    assert AuthorisationRequest.objects.get(pk=story["request"].pk).status == RequestStatus.PENDING


def test_v8_2_2_a_validator_of_another_country_cannot_decide_through_the_admin(story):
    client = _client(story["cast"]["validator_other"])
    pk = story["request"].pk
    client.post(f"/admin/requests_app/authorisationrequest/{pk}/approve/")
    client.post(f"/admin/requests_app/authorisationrequest/{pk}/reject/", {"reason": "No."})
    assert AuthorisationRequest.objects.get(pk=pk).status == RequestStatus.PENDING


def test_v8_2_1_anonymous_visitors_reach_no_personal_page(client):
    for path in ("/home/", "/profile/", "/requests/to-decide/", "/notifications/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_v8_2_3_a_person_cannot_change_another_persons_profile_through_hidden_fields(
    client, applicant, outsider
):
    client.force_login(applicant)
    client.post(
        "/profile/",
        {"id": outsider.pk, "user": outsider.pk, "email": "taken@example.eu", "is_staff": "on"},
    )
    outsider.refresh_from_db()
    applicant.refresh_from_db()
    assert outsider.email == "oscar@example.eu"
    assert not applicant.is_staff
