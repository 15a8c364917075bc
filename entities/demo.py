"""Realistic demo operators, generated fast and deterministically (seed_demo)."""

import random
from collections.abc import Callable
from itertools import islice

import phonenumbers
from django.db import connection, transaction
from faker import Faker
from stdnum import luhn

from entities.models import Kind, Organisation, Status

# (Faker locale, country, weight)
LOCALES = [
    ("fr_FR", "FR", 50),
    ("de_DE", "DE", 12),
    ("it_IT", "IT", 9),
    ("es_ES", "ES", 8),
    ("nl_NL", "NL", 6),
    ("fr_BE", "BE", 4),
    ("pl_PL", "PL", 4),
    ("pt_PT", "PT", 3),
    ("de_AT", "AT", 2),
    ("da_DK", "DK", 2),
]
# libphonenumber's example fixed-line number of each country, E.164, its last four
# digits varied: valid numbers without parsing a hundred thousand of them.
PHONE_STEMS = {
    country: phonenumbers.format_number(
        phonenumbers.example_number(country), phonenumbers.PhoneNumberFormat.E164
    )[:-4]
    for _locale, country, _weight in LOCALES
}
WORDS = {
    "FR": [
        "Bio",
        "Import",
        "Distribution",
        "Primeurs",
        "Épicerie",
        "Négoce",
        "Saveurs",
        "Terroirs",
    ],
    "DE": ["Bio", "Naturkost", "Handel", "Import", "Feinkost", "Ökoland"],
    "IT": ["Bio", "Alimentari", "Importazioni", "Natura", "Sapori"],
    "ES": ["Bio", "Ecológicos", "Importaciones", "Alimentación", "Natural"],
    "NL": ["Bio", "Natuurvoeding", "Import", "Groothandel"],
    "BE": ["Bio", "Import", "Distribution", "Natuur"],
    "PL": ["Bio", "Eko", "Import", "Żywność"],
    "PT": ["Bio", "Biológicos", "Importação", "Alimentar"],
    "AT": ["Bio", "Naturkost", "Handel", "Import"],
    "DK": ["Økologisk", "Import", "Handel", "Bio"],
}
LEGAL = {
    "FR": ["SARL", "SAS", "SA", "EURL", ""],
    "DE": ["GmbH", "GmbH & Co. KG", "AG", "e.K."],
    "IT": ["S.r.l.", "S.p.A.", "S.n.c."],
    "ES": ["S.L.", "S.A.", "S.Coop."],
    "NL": ["B.V.", "V.O.F."],
    "BE": ["SRL", "SA", "BV"],
    "PL": ["Sp. z o.o.", "S.A."],
    "PT": ["Lda.", "S.A."],
    "AT": ["GmbH", "KG"],
    "DK": ["ApS", "A/S"],
}
POOL = 400


class MissingReferenceData(Exception):
    pass


def _pools(locale: str, seed: int) -> dict:
    fake = Faker(locale)
    fake.seed_instance(seed)
    return {
        "last": [fake.last_name() for _ in range(POOL)],
        "company": [fake.company() for _ in range(POOL)],
        "place": [(fake.city(), fake.postcode()) for _ in range(POOL)],
        "street": [fake.street_address() for _ in range(POOL)],
    }


def _eori(country: str, n: int) -> str:
    """A distinct, well-formed EORI for each n (French ones with a valid SIREN)."""
    if country == "FR":
        base = f"{(n * 7919 + 10_000_000) % 100_000_000:08d}"
        return f"FR{base}{luhn.calc_check_digit(base)}"
    return f"{country}{n:012d}"


def _name(rng: random.Random, country: str, pools: dict) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(pools["company"])
    last, other = rng.choice(pools["last"]), rng.choice(pools["last"])
    word = rng.choice(WORDS[country])
    legal = rng.choice(LEGAL[country])
    if roll < 0.7:
        name = f"{last} {word}"
    elif roll < 0.85:
        name = f"{word} {rng.choice(pools['place'])[0]}"
    else:
        name = f"{last} & {other}"
    return f"{name} {legal}".strip()


def operators_generate(*, count: int, seed: int, start: int = 0):
    """Yield `count` unsaved operators; the same seed and start give the same ones."""
    control_bodies: dict[str, list[int]] = {}
    for pk, country in Organisation.objects.control_bodies().valid().values_list("pk", "country"):
        control_bodies.setdefault(str(country), []).append(pk)
    if not control_bodies:
        raise MissingReferenceData
    every_body = [pk for pks in control_bodies.values() for pk in pks]
    rng = random.Random(seed * 1_000_003 + start)  # noqa: S311 - demo data, not secrets
    pools = {country: _pools(locale, seed) for locale, country, _weight in LOCALES}
    weights = [weight for _locale, _country, weight in LOCALES]
    for i in range(start, start + count):
        _locale, country, _weight = rng.choices(LOCALES, weights)[0]
        country_pools = pools[country]
        city, postcode = rng.choice(country_pools["place"])
        activity = rng.random()
        is_importer = activity < 0.75
        is_first_consignee = activity >= 0.6
        status_roll = rng.random()
        status = (
            Status.VALID
            if status_roll < 0.9
            else Status.NEW
            if status_roll < 0.97
            else Status.SUSPENDED
            if status_roll < 0.99
            else Status.REJECTED
        )
        operator = Organisation(
            kind=Kind.OPERATOR,
            status=status,
            name=_name(rng, country, country_pools)[:200],
            country=country,
            city=city[:100],
            address=rng.choice(country_pools["street"])[:255],
            postcode=postcode[:16],
            phone=f"{PHONE_STEMS[country]}{rng.randrange(10_000):04d}",
            eori=_eori(country, i) if is_importer or rng.random() < 0.8 else "",
            is_importer=is_importer,
            is_first_consignee=is_first_consignee,
            control_body_id=rng.choice(control_bodies.get(country) or every_body),
        )
        operator.refresh_search_fields()
        yield operator


def operators_seed(
    *,
    count: int,
    seed: int = 1,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Bulk-insert `count` demo operators after those already there. Returns how many."""
    start = Organisation.objects.operators().count()
    generated = operators_generate(count=count, seed=seed, start=start)
    done = 0
    while batch := list(islice(generated, batch_size)):
        with transaction.atomic():
            # An EORI already taken (by an operator created by hand) is skipped.
            Organisation.objects.bulk_create(batch, batch_size=batch_size, ignore_conflicts=True)
        done += len(batch)
        if progress:
            progress(done, count)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE entities_organisation")
    return done
