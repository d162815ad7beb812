"""Search of members by part of a name through a character index (issue 8 §7).

Every single character and every pair of adjacent characters of a member's name is kept in
MemberNameGram by the member services. A search for one or two characters reads the members
holding that gram; a longer one the members holding each of its pairs, then checks the order
with the name itself. A search that could be a phone number also matches phone prefixes."""

import re
from collections.abc import Iterable

from django.db.models import Q

from mofan.members.models import Member, MemberNameGram

PHONE_TEXT = re.compile(r"[0-9+\- ]+")
BATCH = 2000


def name_grams(name: str) -> set[str]:
    """The characters of the name and its pairs of adjacent characters (blanks left out)."""
    text = "".join(name.split()).casefold()
    return set(text) | {text[i : i + 2] for i in range(len(text) - 1)}


def _holding(gram: str) -> Q:
    return Q(pk__in=MemberNameGram.objects.filter(gram=gram).values("member_id"))


def name_search_q(text: str) -> Q:
    """Members whose name contains `text`, or whose phone starts with it."""
    key = "".join(text.split()).casefold()
    if not key:
        return Q()
    if len(key) <= 2:
        found = _holding(key)
    else:
        found = Q(name__contains=text.strip())
        for pair in {key[i : i + 2] for i in range(len(key) - 1)}:
            found &= _holding(pair)
    if PHONE_TEXT.fullmatch(text.strip()):
        found |= Q(phone__startswith=text.strip())
    return found


def name_grams_keep(members: Iterable[Member]) -> None:
    """Store the grams of these members' names again (after a create or a change of name)."""
    members = list(members)
    MemberNameGram.objects.filter(member__in=[m.pk for m in members]).delete()
    MemberNameGram.objects.bulk_create(
        [MemberNameGram(member_id=m.pk, gram=g) for m in members for g in name_grams(m.name)],
        batch_size=BATCH,
    )


def name_grams_rebuild_all() -> None:
    """Rebuild the whole index from the records (after members written in bulk)."""
    MemberNameGram.objects.all().delete()
    rows = Member.objects.order_by("pk").values_list("pk", "name").iterator(chunk_size=BATCH)
    batch = []
    for pk, name in rows:
        batch += [MemberNameGram(member_id=pk, gram=g) for g in name_grams(name)]
        if len(batch) >= BATCH:
            MemberNameGram.objects.bulk_create(batch, batch_size=BATCH)
            batch = []
    MemberNameGram.objects.bulk_create(batch, batch_size=BATCH)
