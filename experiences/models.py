"""Every model of the app, gathered here because Django looks for them in ``experiences.models``.

Each domain keeps its models in its own package (``essays/models.py``,
``reflections/models.py``…); code imports them from there, never from here.
The app label stays ``experiences`` so that no table moves.
"""

from experiences.accounts.models import User
from experiences.drafts.models import Draft
from experiences.essays.models import Essay, Principle, Quotation, RelatedReading, Repair
from experiences.exports.models import ExportJob
from experiences.flags.models import Flag, FlaggedReflection, FlaggedReply
from experiences.moderation.models import PostingRecord, ReplyPostingRecord
from experiences.notifications.models import FailedTask, Notification, OutgoingMail
from experiences.reading.models import Bookmark, PrincipleRead
from experiences.reflections.models import (
    Like,
    ModerationLog,
    PendingReflection,
    Reflection,
)
from experiences.replies.models import PendingReply, Reply
from experiences.search.models import SearchDocument, SearchWord, SynonymGroup
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.units.models import Enrolment, RosterBatch, Unit

__all__ = [
    "Bookmark",
    "Draft",
    "Enrolment",
    "Essay",
    "ExportJob",
    "FailedTask",
    "Flag",
    "FlaggedReflection",
    "FlaggedReply",
    "Like",
    "ModerationLog",
    "Notification",
    "OutgoingMail",
    "PendingReflection",
    "PendingReply",
    "PostingRecord",
    "Principle",
    "PrincipleRead",
    "Quotation",
    "Reflection",
    "RelatedReading",
    "Repair",
    "Reply",
    "ReplyPostingRecord",
    "RosterBatch",
    "SearchDocument",
    "SearchWord",
    "StudyReminderRequest",
    "StudyTopic",
    "SynonymGroup",
    "Unit",
    "User",
]
