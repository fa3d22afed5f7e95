"""The site's pages, one list per domain, under the ``experiences`` namespace."""

from experiences.core.display import urlpatterns as display_urls
from experiences.drafts.urls import urlpatterns as drafts_urls
from experiences.exports.urls import urlpatterns as exports_urls
from experiences.flags.urls import urlpatterns as flags_urls
from experiences.notifications.urls import urlpatterns as notifications_urls
from experiences.reading.urls import urlpatterns as reading_urls
from experiences.reflections.urls import urlpatterns as reflections_urls
from experiences.replies.urls import urlpatterns as replies_urls
from experiences.search.urls import urlpatterns as search_urls
from experiences.sharing.urls import urlpatterns as sharing_urls
from experiences.study.urls import urlpatterns as study_urls
from experiences.units.urls import urlpatterns as units_urls

app_name = "experiences"

urlpatterns = [
    *reading_urls,
    *reflections_urls,
    *search_urls,
    *notifications_urls,
    *sharing_urls,
    *replies_urls,
    *flags_urls,
    *drafts_urls,
    *study_urls,
    *units_urls,
    *exports_urls,
    *display_urls,
]
