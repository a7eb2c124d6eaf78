"""Attachments in a real browser (issue 17): attach a PNG on the request form, see its thumbnail
on the request page, download it."""
import io

import pytest
from PIL import Image
from tests.live import acme_form_id, sign_in

pytestmark = pytest.mark.browser


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_screenshot_attached_on_the_form_shows_as_a_thumbnail_and_downloads(demo_site, page, tmp_path):
    app, base, _port = demo_site
    form_id = acme_form_id(app, "General request")
    sign_in(page, base, "user@example.com")
    page.goto(f"{base}/acme/hc/en/requests/new?ticket_form_id={form_id}")
    page.get_by_label("Subject").fill("Printer screen shows an error")
    page.get_by_label("Description").fill("See the screenshot.")
    category = page.locator("select[name^=field_]").first
    if category.count():
        category.select_option(index=1)
    page.get_by_label("Attach files (optional)").set_input_files(
        files=[{"name": "screen.png", "mimeType": "image/png", "buffer": _png()}])
    page.click("form:has([name=subject]) [type=submit]:not([name=save_draft])")
    page.wait_for_url(f"{base}/acme/hc/en/requests/*")
    thumbnail = page.locator(".attachments img").first
    thumbnail.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", thumbnail.element_handle())
    with page.expect_download() as download_info:
        # An image opens inline in the browser; the page's link saves it when asked to.
        page.get_by_role("link", name="screen.png").click(modifiers=["Alt"])
    download = download_info.value
    saved = tmp_path / "screen.png"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"\x89PNG")
