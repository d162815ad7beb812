"""Documents of assessment: scheme import/export in Excel and the Word notice of a round."""

urlpatterns: list = []
