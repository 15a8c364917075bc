"""The client's address (core.client): the rule of the security log and every rate limit."""

import logging

import pytest
from django.test import RequestFactory

from accounts.tests.conftest import PASSWORD
from accounts.tests.factories import UserFactory
from core.client import client_ip

PROXY = "10.0.0.5"  # the load balancer, as the app server sees it


def request_from(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_one_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def test_without_a_proxy_a_clients_own_header_is_never_believed(settings):
    settings.BEHIND_PROXY = False
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"
    assert client_ip(request_from("198.51.100.7", "203.0.113.9, 192.0.2.1")) == "198.51.100.7"


def test_behind_one_proxy_the_address_the_proxy_appended_is_the_clients(behind_one_proxy):
    assert client_ip(request_from(PROXY, "203.0.113.2")) == "203.0.113.2"


def test_a_spoofed_header_stays_left_of_what_the_proxy_wrote(behind_one_proxy):
    # The client sent "X-Forwarded-For: 192.0.2.99, 192.0.2.98"; the balancer appended its peer.
    assert client_ip(request_from(PROXY, "192.0.2.99, 192.0.2.98, 203.0.113.2")) == "203.0.113.2"
    # Two header lines reach Django joined by a comma, in order: the same.
    assert client_ip(request_from(PROXY, "192.0.2.99,203.0.113.2")) == "203.0.113.2"


def test_behind_two_proxies_the_outer_ones_entry_counts(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 2
    # client -> CDN (writes the client) -> balancer (writes the CDN) -> app server
    forwarded = "192.0.2.99, 203.0.113.2, 198.51.100.20"
    assert client_ip(request_from(PROXY, forwarded)) == "203.0.113.2"


def test_a_request_that_skipped_the_proxies_is_its_peers(settings, behind_one_proxy):
    assert client_ip(request_from("198.51.100.7")) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("198.51.100.7", "203.0.113.2")) == "198.51.100.7"


def test_ports_brackets_and_garbage(behind_one_proxy):
    assert client_ip(request_from(PROXY, "203.0.113.2:51234")) == "203.0.113.2"
    assert client_ip(request_from(PROXY, "[2001:db8::1]:443")) == "2001:db8::1"
    assert client_ip(request_from(PROXY, "2001:db8::1")) == "2001:db8::1"
    # What the proxy wrote is not an address: the peer, not the text.
    assert client_ip(request_from(PROXY, "<script>, not-an-ip")) == PROXY


def test_the_settings_give_allauth_the_same_count():
    from django.conf import settings

    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT


# --- Through the log-in: the rate limit and the security log ---------------------------


def log_in(client, email, password, address):
    # What the balancer forwards: its own address as the peer, the client's appended.
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.mark.django_db
def test_ten_bad_log_ins_from_one_address_do_not_lock_out_another(client, behind_one_proxy, caplog):
    owner = UserFactory(email="owner@example.eu")
    caplog.set_level(logging.INFO, logger="traces.security")
    for attempt in range(10):
        log_in(client, f"guess{attempt}@example.eu", "wrong password, again", "203.0.113.2")
    # The eleventh from the same address is refused, whatever it claims to be.
    blocked = log_in(client, "owner@example.eu", PASSWORD, "203.0.113.3, 203.0.113.2")
    assert not blocked.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in blocked.content.decode()

    response = log_in(client, "owner@example.eu", PASSWORD, "203.0.113.3")
    assert response.wsgi_request.user == owner

    lines = [record.getMessage() for record in caplog.records]
    failed = [line for line in lines if "event=login.failed" in line]
    assert len(failed) >= 10
    assert all(line.endswith("ip=203.0.113.2") for line in failed)
    succeeded = [line for line in lines if "event=login.succeeded" in line]
    assert succeeded and succeeded[-1].endswith("ip=203.0.113.3")
    assert not any(f"ip={PROXY}" in line for line in lines)


@pytest.mark.django_db
def test_without_a_proxy_a_forged_header_does_not_escape_the_limit(client, settings):
    settings.BEHIND_PROXY = False
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    UserFactory(email="owner@example.eu")
    for attempt in range(10):
        log_in(client, f"guess{attempt}@example.eu", "wrong password", f"192.0.2.{attempt}")
    response = log_in(client, "owner@example.eu", PASSWORD, "192.0.2.200")
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in response.content.decode()


def test_a_service_without_the_request_logs_the_address_of_the_request_under_way(
    behind_one_proxy, caplog
):
    from accounts.audit import log_event
    from core.client import ClientAddressMiddleware

    caplog.set_level(logging.INFO, logger="traces.security")

    def view(request):
        log_event("request.submitted", request_id=7)  # as a service does: no request
        return None

    ClientAddressMiddleware(view)(request_from(PROXY, "192.0.2.99, 203.0.113.2"))
    log_event("outside.a.request")
    inside, outside = [record.getMessage() for record in caplog.records]
    assert inside.endswith("ip=203.0.113.2")
    assert outside.endswith("ip=-")
