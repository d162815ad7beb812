from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from mofan.meetings.selectors import owed_this_period
from mofan.orgs.selectors import org_roots


@login_required
def home(request):
    today = timezone.localdate()
    return render(
        request,
        "site/home.html",
        {
            "roots": org_roots(actor=request.user),
            "owed": owed_this_period(actor=request.user, today=today),
            "today": today,
        },
    )
