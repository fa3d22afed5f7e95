"""The admin of every domain, registered when Django's admin autodiscovers ``experiences.admin``."""

from experiences.accounts import admin as accounts_admin
from experiences.essays import admin as essays_admin
from experiences.reflections import admin as reflections_admin
from experiences.study import admin as study_admin
from experiences.tagging import admin as tagging_admin
from experiences.units import admin as units_admin

__all__ = [
    "accounts_admin",
    "essays_admin",
    "reflections_admin",
    "study_admin",
    "tagging_admin",
    "units_admin",
]
