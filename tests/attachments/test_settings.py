"""The brand's attachment limits are settings like the others (DESIGN §3): shown, saved, checked."""
from portal.brands.settings import settings_for
from portal.extensions import db
from tests.attachments.conftest import PDF, multipart


def test_an_admin_sets_the_limits_and_they_hold(client, login, world, make_ticket):
    login(world.brand, world.admin)
    page = client.get("/acme/admin/settings").get_data(as_text=True)
    assert "Largest attachment (MB)" in page and "Office documents" in page
    response = client.post("/acme/admin/settings", data={
        "attachment_max_mb": "5", "attachments_per_comment": "1", "attachment_kinds": ["", "image", "text"]})
    assert response.status_code == 302
    db.session.refresh(world.brand)
    settings = settings_for(world.brand)
    assert (settings.attachment_max_mb, settings.attachments_per_comment, settings.attachment_kinds) == \
        (5, 1, ["image", "text"])
    assert client.post("/acme/admin/settings", data={"attachment_max_mb": "1000"}).status_code == 422
    ticket = make_ticket(world.user)
    login(world.brand, world.user)
    refused = client.post(f"/acme/hc/en/requests/{ticket.id}/comments",
                          **multipart({"body": "Two"}, [("a.txt", b"a\n"), ("b.txt", b"b\n")]))
    assert refused.status_code == 422 and "at most 1 file to" in refused.get_data(as_text=True)
    pdf = client.post(f"/acme/hc/en/requests/{ticket.id}/comments", **multipart({"body": "PDF"}, [("r.pdf", PDF)]))
    assert pdf.status_code == 422
