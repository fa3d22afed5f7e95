"""The admin of every domain, registered when Django's admin autodiscovers ``experiences.admin``."""

from experiences.accounts import admin as accounts_admin
from experiences.drafts import admin as drafts_admin
from experiences.essays import admin as essays_admin
from experiences.flags import admin as flags_admin
from experiences.notifications import admin as notifications_admin
from experiences.reading import admin as reading_admin
from experiences.reflections import admin as reflections_admin
from experiences.replies import admin as replies_admin
from experiences.search import admin as search_admin
from experiences.study import admin as study_admin
from experiences.tagging import admin as tagging_admin
from experiences.units import admin as units_admin
from experiences.units import user_admin

__all__ = [
    "accounts_admin",
    "drafts_admin",
    "essays_admin",
    "flags_admin",
    "notifications_admin",
    "reading_admin",
    "reflections_admin",
    "replies_admin",
    "search_admin",
    "study_admin",
    "tagging_admin",
    "units_admin",
    "user_admin",
]
