from datetime import date

import factory
from factory.django import DjangoModelFactory

from absolutt.accounts.models import User
from municipalities.models import CoreGroupMember, County, Municipality, Participant, RoleCategory
from programmes.models import Region, Round


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.django.Password("test-password-123")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """Users in tests have a verified address, as they would after accepting an invitation."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = Round

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"ABSOLUTT runde {n}")
    starts_on = date(2026, 9, 1)
    ends_on = date(2027, 12, 15)
    signup_deadline = date(2026, 10, 1)
    status = Round.Status.RUNNING


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: f"{(n % 89) + 10:02d}")
    name = factory.Sequence(lambda n: f"Fylke {n}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    number = factory.Sequence(lambda n: f"{1000 + n:04d}")
    name = factory.Sequence(lambda n: f"Kommune {n}")
    short_name = factory.SelfAttribute("name")
    county = factory.SubFactory(CountyFactory)
    population = 12000


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    round = factory.SubFactory(RoundFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class CoreGroupMemberFactory(DjangoModelFactory):
    class Meta:
        model = CoreGroupMember

    participant = factory.SubFactory(ParticipantFactory)
    name = factory.Faker("name", locale="no_NO")
    email = factory.Sequence(lambda n: f"member{n}@kommune.example")
    title = "Rådgiver"
    role_category = RoleCategory.OTHER
