"""Bad input at scale (issue 7 §3): whatever arrives, no 500, and a refused form writes nothing.

Hypothesis posts arbitrary text (any Unicode, control characters, NUL),
huge values, numbers, several values for one field and unknown fields to
every form of the portal, and arbitrary query strings to its pages. For each
example: the answer is below 500, and when the form was refused (shown again,
or a 4xx) the database row counts are what they were.

Bounded: ~30 examples a property, no deadline (the shared CI machine is slow).
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes, urlsplit

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Notification, User
from accounts.tests.factories import PASSWORD
from entities.models import Membership, Organisation
from requests_app.models import AuthorisationRequest, RequestEvent

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Any character a browser can send (lone surrogates cannot be UTF-8 encoded:
# raw bytes are covered by test_undecodable_bytes_are_refused_calmly).
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
control_text = st.text(
    st.characters(codec="ascii", max_codepoint=0x1F) | st.just("\x7f"), max_size=20
)
huge = st.integers(min_value=1_000, max_value=100_000).map(lambda n: "é" * n)
numbers = st.one_of(st.integers(), st.floats(allow_nan=True)).map(str)
tricky = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "null",
        "None",
        "[]",
        "{}",
        "0",
        "-1",
        "1e309",
        "9" * 40,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%00",
        "../../etc/passwd",
        "\u202e\u200b\ufeff",
        "a@b",
        "x" * 254 + "@example.eu",
        "FR123456789",
        "on",
        "true",
    ]
)
value = st.one_of(any_text, control_text, huge, numbers, tricky)
values = st.one_of(value, st.lists(value, min_size=2, max_size=3))


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Organisation,
            Membership,
            AuthorisationRequest,
            RequestEvent,
            Notification,
        )
    }


def form_data(fields, overrides=None):
    """A dict of fields -> arbitrary values, plus sometimes an unknown field."""
    base = st.fixed_dictionaries(dict.fromkeys(fields, values))
    extra = st.dictionaries(
        st.sampled_from(["unknown", "id", "pk", "is_staff", "status"]), values, max_size=2
    )
    return st.tuples(base, extra).map(lambda parts: {**parts[1], **parts[0], **(overrides or {})})


def refused(response) -> bool:
    return response.status_code == 200 or 400 <= response.status_code < 500


def assert_calm(response, before, *, writes_when_accepted=True):
    assert response.status_code < 500, response.status_code
    if response.status_code in (301, 302):
        target = urlsplit(response["Location"])
        assert target.netloc in ("", "testserver"), response["Location"]  # no open redirect
    if refused(response) or not writes_when_accepted:
        assert counts() == before


@pytest.fixture
def person(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from accounts.tests.factories import UserFactory

    return UserFactory(email="anne@example.eu", first_name="Anne", last_name="Applicant")


@pytest.fixture
def logged_in(client, person):
    client.force_login(person)
    return client


SIGNUP = ["first_name", "last_name", "email", "email2", "email_language", "accept_privacy"]


@BOUNDED
@given(data=form_data(SIGNUP, {"captcha_0": "x", "captcha_1": "PASSED"}))
def test_sign_up_never_fails_and_writes_nothing_when_refused(client, db, data):
    cache.clear()  # the sign-up rate limit would soon answer 429 to everything
    before = counts()
    response = client.post("/accounts/signup/", data)
    assert_calm(response, before)
    client.logout()


@BOUNDED
@given(data=form_data(["login", "password", "remember", "next"]))
def test_log_in_never_fails(client, person, data):
    cache.clear()
    before = counts()
    response = client.post("/accounts/login/", data)
    assert_calm(response, before)
    client.logout()


PROFILE = [
    "first_name",
    "last_name",
    "email_language",
    "interface_language",
    "time_zone",
    "notify_decisions_by_email",
    "notify_new_requests_by_email",
]


@BOUNDED
@given(data=form_data(PROFILE))
def test_the_profile_never_fails_and_is_unchanged_when_refused(logged_in, person, data):
    before = counts()
    person.refresh_from_db()
    saved = {name: getattr(person, name) for name in PROFILE}
    response = logged_in.post("/profile/", data)
    assert_calm(response, before)
    if refused(response):
        person.refresh_from_db()
        assert {name: getattr(person, name) for name in PROFILE} == saved


DIRECTORY = ["name", "country", "activity", "city", "identifier", "sort", "page"]


@BOUNDED
@given(
    path=st.sampled_from(
        ["/directory/operators/", "/directory/control-bodies/", "/directory/authorities/"]
    ),
    query=form_data(DIRECTORY),
)
def test_the_directory_search_never_fails(logged_in, path, query):
    before = counts()
    response = logged_in.get(path, query)
    assert_calm(response, before, writes_when_accepted=False)


OPERATOR = [
    "name",
    "country",
    "city",
    "address",
    "postcode",
    "phone",
    "email",
    "is_importer",
    "is_first_consignee",
    "eori",
    "control_body",
    "confirm_not_duplicate",
]


@BOUNDED
@given(data=form_data(OPERATOR))
def test_the_new_operator_form_never_fails_and_writes_nothing(logged_in, data):
    session = logged_in.session
    session["entities_searched"] = True
    session.save()
    before = counts()
    response = logged_in.post("/directory/operators/new/", data)
    # Even a valid form writes nothing: the operator is created with its request.
    assert_calm(response, before, writes_when_accepted=False)


@pytest.fixture
def organisation(db):
    from entities.tests.factories import OperatorFactory

    return OperatorFactory(name="Bio Import Lyon", country="FR")


@BOUNDED
@given(data=form_data(["message", "contact_email", "contact_phone"]))
def test_the_request_dialog_never_fails_and_writes_nothing_when_refused(
    logged_in, organisation, data
):
    cache.clear()
    before = counts()
    response = logged_in.post(f"/requests/organisation/{organisation.pk}/", data)
    assert_calm(response, before)


@BOUNDED
@given(
    path=st.sampled_from(
        [
            "/",
            "/home/",
            "/profile/",
            "/help/",
            "/notifications/",
            "/requests/to-decide/",
            "/requests/role/",
            "/accounts/login/",
            "/accounts/password/reset/",
            "/directory/operators/new/",
        ]
    ),
    query=st.dictionaries(
        st.one_of(st.sampled_from(["next", "page", "q", "required", "lang"]), any_text),
        values,
        max_size=4,
    ),
)
def test_every_page_survives_any_query_string(logged_in, path, query):
    before = counts()
    response = logged_in.get(path, query)
    assert_calm(response, before, writes_when_accepted=False)


@BOUNDED
@given(
    path=st.sampled_from(
        ["/accounts/login/", "/accounts/signup/", "/profile/", "/directory/operators/"]
    ),
    body=st.binary(max_size=300),
)
def test_undecodable_bytes_are_refused_calmly(logged_in, path, body):
    cache.clear()
    before = counts()
    encoded = "&".join(
        f"{quote_from_bytes(part[:8])}={quote_from_bytes(part[8:])}" for part in body.split(b"&")
    )
    response = logged_in.generic(
        "POST" if path != "/directory/operators/" else "GET",
        path,
        encoded if path != "/directory/operators/" else "",
        content_type="application/x-www-form-urlencoded",
        QUERY_STRING=encoded if path == "/directory/operators/" else "",
    )
    assert_calm(response, before)


def test_a_login_next_parameter_never_leads_off_site(client, person):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "http:evil"):
        response = client.post(
            f"/accounts/login/?next={target}", {"login": person.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert urlsplit(response["Location"]).netloc in ("", "testserver"), target
        client.logout()
