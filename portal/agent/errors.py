"""The one exception workspace services raise: a status and a translated, user-facing message."""


class WorkspaceError(Exception):
    def __init__(self, status: int, message: str, **details):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
