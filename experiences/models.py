"""Every model of the app, gathered here because Django looks for them in ``experiences.models``.

Each domain keeps its models in its own package (``essays/models.py``,
``reflections/models.py``…); code imports them from there, never from here.
The app label stays ``experiences`` so that no table moves.
"""

from experiences.accounts.models import User
from experiences.essays.models import Essay, Principle, Quotation, RelatedReading, Repair
from experiences.reflections.models import (
    Like,
    ModerationLog,
    PendingReflection,
    PostingRecord,
    Reflection,
)
from experiences.search.models import SearchDocument
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.units.models import Unit

__all__ = [
    "Essay",
    "Like",
    "ModerationLog",
    "PendingReflection",
    "PostingRecord",
    "Principle",
    "Quotation",
    "Reflection",
    "RelatedReading",
    "Repair",
    "SearchDocument",
    "StudyReminderRequest",
    "StudyTopic",
    "Unit",
    "User",
]
