"""The real URLs plus /bench/ceiling: a small JSON object and one indexed query, through the same
middleware, so the availability figure can be read against what Django does at its lightest."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from scheduling.models import Site
from yurikago.urls import urlpatterns as real


def ceiling(request: HttpRequest) -> JsonResponse:
    site_id = int(request.GET.get("site", "1"))
    name = Site.objects.filter(pk=site_id).values_list("name", flat=True).first()
    return JsonResponse({"ok": True, "site": name})


urlpatterns = [path("bench/ceiling", ceiling), *real]
