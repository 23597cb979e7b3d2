from django.urls import include, path

app_name = "cms"
# Share images, QR codes and posters of campaign pages (cms.sharing, ADR 0415).
urlpatterns: list = [path("", include("cms.sharing.urls"))]
