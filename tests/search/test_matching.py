"""What a query finds: names, typos, accents, e-mails, phones, addresses, request numbers."""
import pytest

from portal.extensions import db
from portal.tickets.models import Ticket


@pytest.fixture
def people(make_brand, add_person):
    acme = make_brand("acme")
    haru = add_person(acme, "Haru Tanaka", "user@example.com", phone="+33 6 12 34 56 78",
                      address="12 rue de la Paix, 75002 Paris")
    niels = add_person(acme, "Niels Bohr", "niels@example.com", phone="06 98 76 54 32",
                       address="3 rue Volta, 69001 Lyon")
    helene = add_person(acme, "Hélène Dupré", "h.dupre@physique.fr", username="hdupre")
    return acme, haru, niels, helene


def test_typo_in_a_name_still_finds_the_person(people, find):
    acme, _, niels, _ = people
    assert find(acme, "Niels Bhor")[0] == niels.id
    assert find(acme, "bhor")[0] == niels.id
    assert find(acme, "Neils")[0] == niels.id


def test_accents_are_folded_both_ways(people, find):
    acme, _, _, helene = people
    assert find(acme, "helene")[0] == helene.id
    assert find(acme, "HÉLÈNE dupre")[0] == helene.id


@pytest.mark.parametrize("query", ["Nie", "niels@example.com", "niels@", "niels@exa", "example.com",
                                   "Volta", "rue volta", "69001"])
def test_prefixes_emails_and_addresses(people, find, query):
    acme, _, niels, _ = people
    assert niels.id in find(acme, query)


def test_partial_email_on_a_segment_and_domain(people, find):
    acme, _, _, helene = people
    assert find(acme, "dupre@phys") == [helene.id]
    assert find(acme, "@physique.fr") == [helene.id]
    assert find(acme, "hdupre") == [helene.id]


@pytest.mark.parametrize("query", ["+33 6 12 34 56 78", "06 12 34 56 78", "0612345678", "0033612345678",
                                   "+33612345678", "06 12 34", "5678"])
def test_phone_in_every_format(people, find, query):
    acme, haru, _, _ = people
    assert find(acme, query)[0] == haru.id


def test_the_brand_region_reads_national_numbers(make_brand, add_person, find):
    uk = make_brand("uk", default_phone_region="GB")
    person = add_person(uk, "Jane Smith", "jane@example.co.uk", phone="020 7946 0018")
    assert find(uk, "+44 20 7946 0018") == [person.id]
    assert find(uk, "02079460018") == [person.id]


def test_a_number_written_as_in_another_brands_country(make_brand, add_person, find):
    uk = make_brand("uk", default_phone_region="GB")
    france = make_brand("france", default_phone_region="FR")
    person = add_person([uk, france], "Jane Smith", "jane@example.co.uk", phone="020 7946 0018")
    assert find(france, "020 7946 0018") == [person.id]
    assert find(france, "0044 20 7946 0018") == [person.id]
    assert find(france, "020 7946") == [person.id]  # as it is typed


def test_exact_email_ranks_first(make_brand, add_person, find):
    brand = make_brand()
    add_person(brand, "Anna Martin", "anna.martin.dupont@example.com")
    add_person(brand, "Anna Martin", "anna.martinez@example.com")
    exact = add_person(brand, "Anna Martin", "anna.martin@example.com")
    assert find(brand, "anna.martin@example.com")[0] == exact.id


def test_a_request_number_finds_its_requester(people, find, make_user):
    acme, haru, niels, _ = people
    ticket = Ticket(brand_id=acme.id, subject="Printer jams", requester_id=niels.id, submitter_id=niels.id)
    db.session.add(ticket)
    db.session.commit()
    assert find(acme, f"#{ticket.id}")[0] == niels.id
    assert find(acme, str(ticket.id))[0] == niels.id


def test_another_brands_request_number_finds_nobody(people, find, make_brand, add_person):
    acme = people[0]
    globex = make_brand("globex")
    outsider = add_person(globex, "Olga Outsider", "olga@example.com")
    ticket = Ticket(brand_id=globex.id, subject="Leave", requester_id=outsider.id, submitter_id=outsider.id)
    db.session.add(ticket)
    db.session.commit()
    assert outsider.id not in find(acme, f"#{ticket.id}")
    assert find(globex, f"#{ticket.id}") == [outsider.id]
