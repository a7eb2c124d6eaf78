"""Every CSV export goes out through here (DESIGN §13: no formula injection).

A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` (and, in some, a tab or CR before
one) as a formula. Text cells that start so are prefixed with a single quote (OWASP's rule).
Numbers we compute (int, float, Decimal) stay numbers: they are not people's text, and a
negative number must still add up in the sheet.
"""
import csv
import io
from decimal import Decimal

from flask import Response

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """The cell as it is safe to write: numbers unchanged, text that could run as a formula quoted."""
    if cell is None:
        return ""
    if isinstance(cell, (int, float, Decimal)) and not isinstance(cell, bool):
        return cell
    text = str(cell)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_response(header, rows, filename: str) -> Response:
    """A downloadable CSV of `header` then `rows`, every cell through `neutralise`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
