from django.http import Http404


def get_or_404(queryset, pk, message: str):
    """The row with this id from an already-scoped queryset; a Chinese 404 otherwise, also for
    an id that is not a number (outsiders learn nothing)."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404(message) from exc
