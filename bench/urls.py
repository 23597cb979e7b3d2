"""The site's URLs plus a bare view: the floor against which page throughput is compared."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
