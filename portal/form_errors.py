"""What a page's error summary lists (issue 14, GOV.UK Design System's error pattern): one
(field id, message) pair per field in error, the id the summary's link goes to (None when the
message is about the whole form). Read by templates/_forms.html through `error_list`."""
from collections.abc import Iterable


def error_list(*sources) -> list[tuple[str | None, str]]:
    """The pairs of every source, in order, once each. A source is a WTForms form (its fields' first
    error, then its form-level errors), a ticket field view (`.name`, `.error`), a ServiceError
    (`.field`, `.message`), an (id, message) pair, a message, None, or a list of these."""
    pairs: list[tuple[str | None, str]] = []
    for source in sources:
        for pair in _pairs(source):
            if pair[1] and pair not in pairs:
                pairs.append(pair)
    # A refusal's message often repeats its first field's (a ServiceError with field_errors): the
    # summary lists it once, as the link.
    linked = {message for target, message in pairs if target}
    return [(target, message) for target, message in pairs if target or message not in linked]


def _pairs(source) -> Iterable[tuple[str | None, str]]:
    if source is None:
        return
    if isinstance(source, str):
        yield None, source
    elif isinstance(source, tuple) and len(source) == 2:
        yield source[0], str(source[1]) if source[1] else ""
    elif hasattr(source, "_fields"):  # a WTForms form
        for field in source:
            if field.errors and field.type == "RadioField":
                yield f"{field.id}-0", str(field.errors[0])  # its first option, as GOV.UK links
            elif field.errors and field.type != "CSRFTokenField":
                yield field.id, str(field.errors[0])
            elif field.errors:
                yield None, str(field.errors[0])
        for message in getattr(source, "form_errors", ()):
            yield None, str(message)
    elif hasattr(source, "message") and hasattr(source, "status"):  # a ServiceError
        yield getattr(source, "field", None), str(source.message)
    elif hasattr(source, "error") and hasattr(source, "name"):  # a ticket field view
        if source.error:
            yield source.name, str(source.error)
    elif isinstance(source, Iterable):
        for item in source:
            yield from _pairs(item)
