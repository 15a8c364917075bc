import factory
from stdnum import luhn

from accounts.tests.factories import UserFactory
from entities.models import AuthorityKind, ControlBodyKind, Kind, Membership, Organisation, Status


def valid_fr_eori(n: int) -> str:
    """FR + a SIREN whose Luhn checksum holds, distinct for each n."""
    base = f"{n + 10000000:08d}"
    return f"FR{base}{luhn.calc_check_digit(base)}"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    status = Status.VALID
    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = "FR"
    city = "Paris"


class ControlBodyFactory(OrganisationFactory):
    kind = Kind.CONTROL_BODY
    name = factory.Sequence(lambda n: f"Certif Bio {n}")
    code = factory.Sequence(lambda n: f"FR-BIO-{n + 50:02d}")
    control_body_kind = ControlBodyKind.CONTROL_BODY


class AuthorityFactory(OrganisationFactory):
    kind = Kind.AUTHORITY
    name = "Institut national de l'origine et de la qualité"
    short_name = "INAO"
    code = factory.Sequence(lambda n: f"FR-CCA-{n}")
    authority_kind = AuthorityKind.CENTRAL


class OperatorFactory(OrganisationFactory):
    kind = Kind.OPERATOR
    name = factory.Sequence(lambda n: f"Bio Import {n}")
    address = "1 rue de la Paix"
    postcode = "75002"
    is_importer = True
    eori = factory.Sequence(valid_fr_eori)
    control_body = factory.SubFactory(ControlBodyFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OperatorFactory)
    is_admin = False
