"""The OpenAPI document tells the truth: each enum has its own name and values, times of day
are documented as they are sent."""

import pytest

from mofan.meetings.models import Attendance, Kind, MeetingStatus
from mofan.members.models import Status, Transfer
from mofan.plans.models import Plan
from mofan.site.api import api


@pytest.fixture(scope="module")
def components():
    return api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]


@pytest.mark.parametrize(
    ("name", "choices"),
    [
        ("MeetingKind", Kind),
        ("MeetingStatus", MeetingStatus),
        ("AttendanceStatus", Attendance.Status),
        ("PlanKind", Plan.Kind),
        ("MemberStatus", Status),
        ("TransferStatus", Transfer.Status),
    ],
)
def test_each_enum_has_its_own_name_and_values(components, name, choices):
    assert components[name]["enum"] == list(choices.values)


def test_no_enum_is_named_after_a_bare_kind_or_status(components):
    assert not {"Kind", "Status"} & set(components)


def test_the_meeting_kind_of_a_new_meeting_is_the_meeting_kinds(components):
    ref = components["MeetingIn"]["properties"]["kind"]["$ref"]
    assert ref.endswith("/MeetingKind")


def test_a_time_of_day_is_documented_without_an_offset(components):
    held_time = components["MeetingOut"]["properties"]["held_time"]["anyOf"][0]
    assert held_time["format"] == "partial-time"


def test_operations_document_the_401_they_answer_without_a_login(client):
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    operation = document["paths"]["/api/v1/meetings"]["get"]
    assert 401 in operation["responses"]
    assert client.get("/api/v1/meetings").status_code == 401
