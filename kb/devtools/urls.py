"""The HTTP benchmark's ceiling: the cheapest possible Django response in the same server.

Included by kb/urls.py only when both DEVTOOLS and BENCHMARK_CEILING are set,
so `manage.py benchmark_http` can compare each page with a bare view.
"""

from django.http import HttpResponse
from django.urls import path


def ceiling(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/ceiling/", ceiling)]
