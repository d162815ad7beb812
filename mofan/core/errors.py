class ApplicationError(Exception):
    """A rule the user broke, with a Chinese message they can act on.

    Views show it as a form error, the API answers 400 with it as `detail`.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
