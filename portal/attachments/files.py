"""What a received file is, judged from its bytes (DESIGN §15): never from its name or the
browser's Content-Type. Pure functions over a file on disk; no database, no request.

The kind is sniffed with `filetype` (maintained, pure Python, no libmagic to install on every
host: it reads the magic numbers of the first bytes, including the office formats inside ZIP
containers); text has no magic number, so it is recognised here as UTF-8 (or Latin-1) without
NUL or control bytes. Raster images are opened with Pillow, which re-encodes them: the stored
copy has no EXIF (location, camera) and nothing after the image (a polyglot loses its payload),
and a thumbnail is made. A decompression bomb (more pixels than MAX_PIXELS) is refused before
any pixel is decoded.
"""
import io
import os
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_NAME = 200
MAX_PIXELS = 40_000_000  # 40 megapixels: any camera's photo, not a bomb
THUMBNAIL_BOX = (240, 240)
SNIFF_BYTES = 64 * 1024

# Kinds a brand may allow (brands.settings.ATTACHMENT_KINDS) -> the sniffed types of each.
KIND_TYPES = {
    "image": ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"),
    "pdf": ("application/pdf",),
    "office": (
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/rtf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    ),
    "text": ("text/plain",),
    "archive": ("application/zip", "application/gzip", "application/x-tar", "application/x-7z-compressed",
                "application/x-bzip2", "application/x-xz", "application/x-rar-compressed"),
}
_PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP", "image/gif": "GIF",
                   "image/bmp": "BMP"}


class Refused(Exception):
    """The file cannot be kept; `reason` is a message id (translated by the caller)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _(message: str) -> str:  # message ids for the catalogue; services translate them
    return message


def clean_name(raw: str | None) -> str:
    """A file name safe to store and to send back: no folders (either slash), no control or
    format characters, no leading dots, at most MAX_NAME characters with the extension kept."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in name)
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:20] if dot and stem else ""
        name = name[:MAX_NAME - len(ext) - 1].rstrip() + "." + ext if ext else name[:MAX_NAME]
    return name or "attachment"


def sniff(path: str) -> str | None:
    """The content type read from the bytes, or None when unknown."""
    with open(path, "rb") as source:
        head = source.read(SNIFF_BYTES)
    kind = filetype.guess(head)
    if kind is not None:
        return "image/png" if kind.mime == "image/apng" else kind.mime
    return "text/plain" if _is_text(head) else None


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for cut in range(4):  # the sniffed window may end inside a UTF-8 character
        try:
            text = head[:len(head) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        text = head.decode("latin-1")
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text)


def kind_of(content_type: str) -> str | None:
    return next((kind for kind, types in KIND_TYPES.items() if content_type in types), None)


@dataclass
class Image_:
    content: bytes
    thumbnail: bytes


def process_image(path: str, content_type: str) -> Image_:
    """Re-encode an image without its metadata, and its PNG thumbnail. Refused: too many pixels,
    or bytes Pillow cannot decode (a damaged or truncated image)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Refused(_("This image is too large to open (more than 40 megapixels)."))
                fmt = _PILLOW_FORMATS[content_type]
                animated = getattr(image, "is_animated", False)
                image.load()
                if fmt == "GIF" and animated:
                    # Animated GIFs carry no EXIF; kept as sent, but only once Pillow read them whole.
                    with open(path, "rb") as source:
                        content = source.read()
                    frame = image.convert("RGBA")
                else:
                    frame = ImageOps.exif_transpose(image)
                    content = _encode(frame, fmt)
                thumb = frame.copy()
                thumb.thumbnail(THUMBNAIL_BOX)
                if thumb.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    thumb = thumb.convert("RGBA")
                return Image_(content, _encode(thumb, "PNG"))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(_("This image is too large to open (more than 40 megapixels).")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise Refused(_("This image is damaged or incomplete: it cannot be opened.")) from None


def _encode(image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=90)
    elif fmt == "BMP" and image.mode not in ("1", "L", "P", "RGB", "RGBA"):
        image.convert("RGB").save(out, "BMP")
    else:
        image.save(out, fmt)
    return out.getvalue()


def size_of(path: str) -> int:
    return os.path.getsize(path)
