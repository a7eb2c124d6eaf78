"""Forms that guide (issue 14, the GOV.UK Design System's error pattern): a page answering 422 has
an error summary ("There is a problem", each item a link to its field), a title prefixed "Error:",
each field in error marked aria-invalid and described by its message, and what was typed kept."""
from html.parser import HTMLParser

import pytest

from portal.form_errors import error_list
from portal.service_error import ServiceError


class Page(HTMLParser):
    """The elements of a page by id (the first of an id, as a link finds it) with their form, the
    links of its error summary and its title."""

    def __init__(self, html: str):
        super().__init__()
        self.by_id, self.summary_links, self.title, self.form = {}, [], "", None
        self._in_summary = self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = attrs
        if "id" in attrs:
            self.by_id.setdefault(attrs["id"], (tag, attrs, self.form))
        if attrs.get("id") == "error-summary":
            self._in_summary = True
        if self._in_summary and tag == "a":
            self.summary_links.append(attrs["href"])
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "ul" and self._in_summary:
            self._in_summary = False
        if tag == "title":
            self._in_title = False
        if tag == "form":
            self.form = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def assert_guides(html: str, *fields: str, language="en") -> Page:
    """The page's summary links to each field, which is invalid and described by its message."""
    page = Page(html)
    problem, prefix = ("There is a problem", "Error:") if language == "en" else ("Il y a un problème", "Erreur\u00a0:")
    assert problem in html and page.title.strip().startswith(prefix), page.title
    assert page.by_id["error-summary"][1]["tabindex"] == "-1"
    for name in fields:
        assert f"#{name}" in page.summary_links, (name, page.summary_links)
        _tag, attrs, form = page.by_id[name]
        assert attrs.get("aria-invalid") == "true", (name, attrs)
        described = attrs.get("aria-describedby", "").split()
        assert f"{name}-error" in described and f"{name}-error" in page.by_id, (name, attrs)
        assert "novalidate" in form, (name, form)  # the browser's own checks would hide the server's
    return page


def test_a_refused_request_guides_to_each_field_and_keeps_what_was_typed(client, world, login):
    login(world.brand, world.user)
    category = f"field_{world.category.id}"
    response = client.post(f"/acme/hc/en/requests/new?ticket_form_id={world.general.id}",
                           data={"subject": "Printer on fire", "description": "", f"field_{world.count.id}": "many"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = assert_guides(html, "description", category, f"field_{world.count.id}")
    assert "subject" not in page.summary_links and page.by_id["subject"][1]["value"] == "Printer on fire"
    assert "aria-invalid" not in page.by_id["subject"][1]
    assert page.by_id[f"field_{world.count.id}"][1]["value"] == "many"
    assert "Category is required." in html


def test_a_page_without_errors_has_no_summary_and_no_prefix(client, world, login):
    login(world.brand, world.user)
    html = client.get(f"/acme/hc/en/requests/new?ticket_form_id={world.general.id}").get_data(as_text=True)
    page = Page(html)
    assert "error-summary" not in page.by_id and not page.title.startswith("Error")
    assert "aria-invalid" not in html


def test_sign_in_refused_in_french(client, world):
    response = client.post("/acme/hc/fr/signin", data={"email": "nobody", "password": ""})
    assert response.status_code == 422
    assert_guides(response.get_data(as_text=True), "email", "password", language="fr")


def test_wrong_password_links_to_the_email_field(client, world):
    response = client.post("/acme/hc/en/signin", data={"email": world.user.email, "password": "wrong-password-1"})
    assert response.status_code in (401, 422)
    page = Page(response.get_data(as_text=True))
    assert page.summary_links == ["#email"] and page.title.startswith("Error:")
    assert page.by_id["email"][1]["value"] == world.user.email


def test_sign_up_refused(client, world):
    response = client.post("/acme/hc/en/signup", data={"name": "", "email": "haru@example.com",
                                                       "password": "short", "confirm": "other"})
    assert response.status_code == 422
    page = assert_guides(response.get_data(as_text=True), "name", "password")
    assert page.by_id["email"][1]["value"] == "haru@example.com"


def test_profile_refused(client, world, login):
    login(world.brand, world.user)
    response = client.post("/acme/hc/en/profile", data={"name": "", "username": "haru", "locale": "en"})
    assert response.status_code == 422
    assert_guides(response.get_data(as_text=True), "name")


def test_a_comment_refused_on_a_request(client, world, login, make_ticket):
    ticket = make_ticket(world.user, status="open")
    login(world.brand, world.user)
    response = client.post(f"/acme/hc/en/requests/{ticket.id}/comments", data={"body": ""})
    assert response.status_code == 422
    assert_guides(response.get_data(as_text=True), "body")


@pytest.mark.parametrize("sources, pairs", [
    ((None, "", []), []),
    (("Whole form",), [(None, "Whole form")]),
    ((("email", "Enter an e-mail."), ("email", "Enter an e-mail.")), [("email", "Enter an e-mail.")]),
    ((ServiceError(422, "Too long", field="subject"),), [("subject", "Too long")]),
    (([("a", "A"), [("b", "B")]],), [("a", "A"), ("b", "B")]),
])
def test_error_list(sources, pairs):
    assert error_list(*sources) == pairs


def test_the_workspace_new_ticket_form_guides_to_the_requester(client, world, login):
    login(world.brand, world.agent)
    response = client.post("/acme/agent/tickets/new", data={
        "requester_email": "not an address", "channel": "phone", "subject": "Printer", "body": "Jammed"})
    assert response.status_code == 422
    page = assert_guides(response.get_data(as_text=True), "requester-email")
    assert page.summary_links == ["#requester-email"]  # the refusal's message is not said twice
    assert page.by_id["subject"][1]["value"] == "Printer"


def test_an_admin_form_refused_guides_to_its_field(client, world, login):
    login(world.brand, world.admin)
    response = client.post("/acme/admin/fields", data={"title": "", "field_type": "text", "options": "a\nb",
                                                       "portal_access": "editable"})
    assert response.status_code == 422
    page = assert_guides(response.get_data(as_text=True), "title")
    assert page.by_id["options"][0] == "textarea"


def test_the_workspace_marks_internal_priority_as_required_to_solve_not_to_create(client, world, login):
    login(world.brand, world.agent)
    html = client.get(f"/acme/agent/tickets/new?ticket_form_id={world.general.id}").get_data(as_text=True)
    label = html[html.index(f'for="field_{world.internal_priority.id}"'):]
    label = label[:label.index("</label>")]
    assert "Required to solve" in label and "(required)" not in label
    response = client.post(f"/acme/agent/tickets/new?ticket_form_id={world.general.id}", data={
        "requester_email": world.user.email, "channel": "phone", "subject": "Printer", "body": "Jammed",
        "public": "1", f"field_{world.category.id}": "hardware"})
    assert response.status_code == 302  # created without it
