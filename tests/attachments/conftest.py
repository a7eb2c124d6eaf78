"""Small files made on the spot (tests stay fast): images with and without EXIF, a PDF, text."""
import io

import pytest
from PIL import Image

from portal.extensions import db
from portal.models import Attachment
from tests.api import conftest as api_fixtures

# The API's fixtures (a live server for zenpy, Basic-auth calls) and its world: acme lets agents
# manage requests, and both brands answer on their host mappings.
api, live_server, localhost_resolves = api_fixtures.api, api_fixtures.live_server, api_fixtures.localhost_resolves
world, zenpy_client = api_fixtures.world, api_fixtures.zenpy_client


def png(width=4, height=3, colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF says where and with what camera it was taken."""
    image = Image.new("RGB", (8, 8), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def files_on_disk(app) -> list:
    import os

    root = app.config["ATTACHMENTS_DIR"]
    return [os.path.join(d, f) for d, _dirs, names in os.walk(root) for f in names] if os.path.isdir(root) else []


def attachment_rows() -> list:
    db.session.commit()
    return list(db.session.scalars(db.select(Attachment).order_by(Attachment.id)))


@pytest.fixture
def limits(world):
    """limits(**settings): set the brand's attachment settings (small ones, not 20 MB)."""
    def set_(brand=None, **settings):
        brand = brand or world.brand
        brand.settings = {**(brand.settings or {}), **settings}
        db.session.commit()
    return set_


def multipart(fields: dict, files: list, name: str = "attachments") -> dict:
    """Keyword arguments of client.post for a multipart body built in memory (the test client
    spools big bodies to a temporary file it never closes)."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    values = MultiDict(fields)
    for file_name, content in files:
        values.add(name, FileStorage(io.BytesIO(content), filename=file_name))
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def served(client, url):
    """GET a download, read it whole and close it (the test client leaves streamed files open)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response
