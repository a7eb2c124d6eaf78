"""The one error a service raises when it refuses a write (STYLE §14).

`status` is the HTTP answer (403 refused, 404 not there, 409 conflict, 422 invalid input),
`message` a translated sentence for the person, `field` the form field it is about (if one), and
`details` what a caller may need to render the refusal (e.g. `field_errors`, `conflict`,
`current`). Nothing of a refused write is kept: the request's transaction owner
(`portal.transaction`) rolls back whenever the answer is an error.
"""


class ServiceError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None, **details):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.details = details

    @property
    def current(self):
        """The object in the way, when the refusal names one (an assist already running)."""
        return self.details.get("current")

    def __str__(self) -> str:
        return self.message
