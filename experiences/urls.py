"""The site's pages, one list per domain, under the ``experiences`` namespace."""

from experiences.accounts.urls import profile_urlpatterns
from experiences.essays.urls import urlpatterns as essays_urls
from experiences.reflections.urls import urlpatterns as reflections_urls
from experiences.search.urls import urlpatterns as search_urls
from experiences.study.urls import urlpatterns as study_urls
from experiences.tagging.urls import urlpatterns as tagging_urls

app_name = "experiences"

urlpatterns = [
    *essays_urls,
    *reflections_urls,
    *search_urls,
    *study_urls,
    *tagging_urls,
    *profile_urlpatterns,
]
