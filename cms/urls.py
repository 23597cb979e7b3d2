from django.urls import include, path

app_name = "cms"
# Share images, QR codes and posters of campaign pages (cms.sharing, ADR 0415); supporters' pages
# and teams (cms.supporters, ADR 0234).
urlpatterns: list = [path("", include("cms.sharing.urls")), path("", include("cms.supporters.urls"))]
