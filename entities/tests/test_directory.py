import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entities import views
from entities.models import Status
from entities.tests.factories import AuthorityFactory, ControlBodyFactory, OperatorFactory

pytestmark = pytest.mark.django_db
OPERATORS = reverse("entities:operators")


def names(response):
    return [organisation.name for organisation in response.context["page"].items]


@pytest.mark.parametrize(
    "url_name", ["entities:operators", "entities:control_bodies", "entities:authorities"]
)
def test_anonymous_people_are_sent_to_log_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_page_has_the_contract_labels(applicant_client):
    response = applicant_client.get(OPERATORS)
    html = response.content.decode()
    assert response.status_code == 200
    for label in (">Name</label>", ">Country</label>", ">Activity</label>", ">Search</button>"):
        assert label in html


@pytest.mark.parametrize("term", ["qualite", "QUALITÉ", "Qualité", "alit", "QuAlItE fr"])
def test_the_name_search_ignores_case_and_accents_and_matches_part_of_a_word(
    applicant_client, term
):
    OperatorFactory(name="Qualité France Import")
    OperatorFactory(name="Something Else")
    response = applicant_client.get(OPERATORS, {"name": term})
    assert names(response) == ["Qualité France Import"]


def test_a_search_term_finds_names_written_with_accents_and_punctuation(applicant_client):
    OperatorFactory(name="L'Épicerie-Bio de Müller")
    response = applicant_client.get(OPERATORS, {"name": "epicerie bio de muller"})
    assert names(response) == ["L'Épicerie-Bio de Müller"]


def test_a_short_term_matches_the_start_of_a_word(applicant_client):
    OperatorFactory(name="Qualité Import")
    OperatorFactory(name="Bio Quartier")
    OperatorFactory(name="Aqua Import")
    response = applicant_client.get(OPERATORS, {"name": "qu"})
    assert sorted(names(response)) == ["Bio Quartier", "Qualité Import"]


def test_filters_combine(applicant_client):
    OperatorFactory(name="Bio Sud Import", country="FR", city="Lyon", is_importer=True)
    OperatorFactory(
        name="Bio Sud Nord", country="FR", city="Lyon", is_importer=False, is_first_consignee=True
    )
    OperatorFactory(name="Bio Sud Berlin", country="DE", city="Berlin", eori="DE123456789")
    OperatorFactory(name="Bio Sud Paris", country="FR", city="Paris")
    response = applicant_client.get(
        OPERATORS, {"name": "bio sud", "country": "FR", "activity": "importer", "city": "lyon"}
    )
    assert names(response) == ["Bio Sud Import"]
    response = applicant_client.get(OPERATORS, {"activity": "first_consignee"})
    assert names(response) == ["Bio Sud Nord"]
    response = applicant_client.get(OPERATORS, {"country": "DE"})
    assert names(response) == ["Bio Sud Berlin"]


def test_the_identifier_finds_an_operator_by_its_eori_however_it_is_typed(applicant_client):
    operator = OperatorFactory(name="Target")
    OperatorFactory(name="Other")
    typed = " ".join([operator.eori[:2].lower(), operator.eori[2:6], operator.eori[6:]])
    response = applicant_client.get(OPERATORS, {"identifier": typed})
    assert names(response) == ["Target"]


def test_rejected_operators_are_not_listed(applicant_client):
    OperatorFactory(name="Bio Listed", status=Status.NEW)
    OperatorFactory(name="Bio Suspended", status=Status.SUSPENDED)
    OperatorFactory(name="Bio Rejected", status=Status.REJECTED)
    response = applicant_client.get(OPERATORS, {"name": "bio"})
    assert sorted(names(response)) == ["Bio Listed", "Bio Suspended"]
    assert "New" in response.content.decode()
    assert "Suspended" in response.content.decode()


def test_results_are_sorted_by_name_ignoring_case_and_accents(applicant_client):
    for name in ["beta", "Alpha", "Éclair", "delta"]:
        OperatorFactory(name=name)
    assert names(applicant_client.get(OPERATORS, {"name": ""})) == [
        "Alpha",
        "beta",
        "delta",
        "Éclair",
    ]
    assert names(applicant_client.get(OPERATORS, {"sort": "-name"})) == [
        "Éclair",
        "delta",
        "beta",
        "Alpha",
    ]


@pytest.mark.parametrize("sort", ["password", "name; DROP TABLE x", "-pk", "", "country__name"])
def test_a_tampered_sort_key_falls_back_to_the_name(applicant_client, sort):
    OperatorFactory(name="B")
    OperatorFactory(name="A")
    response = applicant_client.get(OPERATORS, {"sort": sort})
    assert response.status_code == 200
    assert names(response) == ["A", "B"]


def test_the_result_count_is_shown(applicant_client):
    OperatorFactory.create_batch(3, name=factory_name("Bio Count"))
    response = applicant_client.get(OPERATORS, {"name": "bio count"})
    assert "3 results" in response.content.decode()


def factory_name(prefix):
    import factory

    return factory.Sequence(lambda n: f"{prefix} {n}")


class TestPagination:
    @pytest.fixture
    def thirty(self):
        control_body = ControlBodyFactory()
        return OperatorFactory.create_batch(
            30, name=factory_name("Page"), control_body=control_body
        )

    @pytest.mark.parametrize(
        ("page", "expected_number", "expected_len"),
        [
            ("1", 1, 25),
            ("2", 2, 5),
            ("999", 2, 5),
            ("0", 1, 25),
            ("-3", 1, 25),
            ("abc", 1, 25),
            ("1e9", 1, 25),
            ("2.5", 1, 25),
            ("9" * 40, 2, 5),
        ],
    )
    def test_any_page_number_gives_a_page(
        self, applicant_client, thirty, page, expected_number, expected_len
    ):
        response = applicant_client.get(OPERATORS, {"page": page})
        assert response.status_code == 200
        assert response.context["page"].number == expected_number
        assert len(response.context["page"].items) == expected_len

    def test_links_keep_the_search(self, applicant_client, thirty):
        html = applicant_client.get(OPERATORS, {"name": "page", "country": "FR"}).content.decode()
        assert "?name=page&amp;country=FR&amp;page=2" in html

    def test_a_broad_search_shows_a_capped_count(self, applicant_client, thirty, monkeypatch):
        monkeypatch.setattr(views, "COUNT_CAP", 10)
        response = applicant_client.get(OPERATORS, {"name": "page"})
        assert response.context["page"].capped
        assert "More than 10 results" in response.content.decode()


def test_a_page_runs_the_same_number_of_queries_whatever_it_lists(
    applicant_client, django_assert_num_queries
):
    OperatorFactory(name="Few 1")
    applicant_client.get(OPERATORS, {"name": "x"})  # the session exists from here on
    with CaptureQueriesContext(connection) as one:
        applicant_client.get(OPERATORS, {"name": "few"})
    for control_body in ControlBodyFactory.create_batch(5):
        OperatorFactory.create_batch(6, name=factory_name("Few many"), control_body=control_body)
    with django_assert_num_queries(len(one)):
        response = applicant_client.get(OPERATORS, {"name": "few"})
    assert len(response.context["page"].items) == 25
    # session, user, the page of results (nothing counted), the notifications link
    assert len(one) <= 4


def test_the_results_are_not_counted_but_fetched_one_row_more_than_a_page(applicant_client):
    OperatorFactory.create_batch(30, name=factory_name("Uncounted"))
    with CaptureQueriesContext(connection) as queries:
        response = applicant_client.get(OPERATORS, {"name": "uncounted"})
    listing = [q["sql"] for q in queries if "entities_organisation" in q["sql"]]
    assert len(listing) == 1
    assert "COUNT(" not in listing[0].upper()
    assert "LIMIT 26" in listing[0]
    html = response.content.decode()
    assert "Results 1 to 25; more on the next pages." in html
    assert "Page 1" in html and "Page 1 of" not in html
    assert 'rel="next"' in html

    last = applicant_client.get(OPERATORS, {"name": "uncounted", "page": "2"}).content.decode()
    assert "30 results" in last and "(showing 26 to 30)" in last
    assert "Page 2 of 2" in last and 'rel="next"' not in last


def test_pages_stop_at_the_cap_and_say_there_are_more(applicant_client, monkeypatch):
    monkeypatch.setattr(views, "COUNT_CAP", 50)
    OperatorFactory.create_batch(60, name=factory_name("Capped"))
    first = applicant_client.get(OPERATORS, {"name": "capped"})
    assert not first.context["page"].capped and first.context["page"].has_next
    second = applicant_client.get(OPERATORS, {"name": "capped", "page": "2"})
    html = second.content.decode()
    assert second.context["page"].capped and not second.context["page"].has_next
    assert "More than 50 results" in html and 'rel="next"' not in html
    third = applicant_client.get(OPERATORS, {"name": "capped", "page": "3"})
    assert third.context["page"].number == 2


def test_nothing_found_shows_a_helpful_empty_state(applicant_client):
    response = applicant_client.get(OPERATORS, {"name": "zzzz"})
    html = response.content.decode()
    assert "No organisation matches this search." in html
    assert "Check the spelling" in html


class TestBadInput:
    def test_an_over_long_name_is_a_field_error_not_a_crash(self, applicant_client):
        response = applicant_client.get(OPERATORS, {"name": "a" * 5000})
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()

    def test_markup_in_the_search_is_shown_escaped(self, applicant_client):
        response = applicant_client.get(OPERATORS, {"name": "<script>alert(1)</script>"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html

    def test_control_characters_are_ignored(self, applicant_client):
        OperatorFactory(name="Bio Nord")
        response = applicant_client.get(OPERATORS, {"name": "bio\x00\x1f nord"})
        assert names(response) == ["Bio Nord"]

    @pytest.mark.parametrize(
        "params",
        [{"country": "ZZ"}, {"activity": "smuggler"}, {"country": ["FR", "DE"]}, {"page": "\x00"}],
    )
    def test_unknown_choices_are_field_errors(self, applicant_client, params):
        response = applicant_client.get(OPERATORS, params)
        assert response.status_code == 200


def test_control_bodies_are_searched_by_name_and_code(applicant_client):
    ControlBodyFactory(name="Ecocert France", code="FR-BIO-01")
    ControlBodyFactory(name="Certipaq Bio", code="FR-BIO-09")
    url = reverse("entities:control_bodies")
    assert names(applicant_client.get(url, {"identifier": "fr-bio-09"})) == ["Certipaq Bio"]
    assert names(applicant_client.get(url, {"name": "ecocert"})) == ["Ecocert France"]
    assert "activity" not in applicant_client.get(url).context["form"].fields


def test_authorities_are_searched_by_short_name(applicant_client):
    AuthorityFactory(short_name="INAO")
    url = reverse("entities:authorities")
    response = applicant_client.get(url, {"identifier": "inao"})
    assert names(response) == ["Institut national de l'origine et de la qualité"]
    assert names(applicant_client.get(url, {"name": "qualite"})) == [
        "Institut national de l'origine et de la qualité"
    ]


def test_the_name_field_finds_an_authority_by_its_short_name_and_a_body_by_its_code(
    applicant_client,
):
    AuthorityFactory(short_name="INAO")
    ControlBodyFactory(name="Ecocert France", code="FR-BIO-01")
    ControlBodyFactory(name="Bureau Veritas", code="FR-BIO-10")
    authorities = reverse("entities:authorities")
    assert names(applicant_client.get(authorities, {"name": "INAO"})) == [
        "Institut national de l'origine et de la qualité"
    ]
    bodies = reverse("entities:control_bodies")
    assert names(applicant_client.get(bodies, {"name": "FR-BIO-01"})) == ["Ecocert France"]
    assert names(applicant_client.get(bodies, {"name": "fr bio"})) == [
        "Bureau Veritas",
        "Ecocert France",
    ]  # still sorted by name


def test_the_advice_fits_each_kind_and_a_dead_end_names_the_helpdesk(applicant_client):
    bodies = applicant_client.get(reverse("entities:control_bodies"), {"name": "zzzz"})
    text = bodies.content.decode()
    assert "its code (for example FR-BIO-01)" in text
    assert "activity" not in text.lower().split("no organisation matches")[1]
    assert "SANTE-TRACES@ec.europa.eu" in text
    operators = applicant_client.get(reverse("entities:operators"), {"name": "zzzz"})
    assert "create it below" in operators.content.decode()


def test_the_directory_speaks_french(applicant_client, applicant):
    applicant.interface_language = "fr"
    applicant.save()
    OperatorFactory(name="Bio", country="DE", eori="DE12345")
    response = applicant_client.get(OPERATORS, HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert "Rechercher" in html
    assert "Allemagne" in html
