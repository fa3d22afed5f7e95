"""The units domain's part of a colleague's data export: what a roster said about them.

An organiser's roster upload (units/enrolment.py) keeps the name, 工号 and 手机号 it
read, to recognise the same colleague on the next upload; that is the colleague's
own data, so it is in their export. The row goes with the account on leaving
(a cascading key), so no step is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from experiences.accounts.data_export import SectionFile, json_file, register_section
from experiences.units.models import Enrolment

if TYPE_CHECKING:
    from experiences.accounts.models import User


def enrolment_section(user: User) -> Iterable[SectionFile]:
    enrolment = Enrolment.objects.filter(user=user).first()
    if enrolment is None:
        return
    yield (
        "enrolment.json",
        json_file(
            {
                "full_name": enrolment.full_name,
                "staff_number": enrolment.staff_number,
                "phone": enrolment.phone,
                "link_issued_at": enrolment.link_issued_at,
                "signed_in_at": enrolment.signed_in_at,
            }
        ),
    )


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("enrolment", enrolment_section)
