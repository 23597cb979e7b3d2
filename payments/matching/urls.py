from django.urls import path

from payments.matching import views

urlpatterns = [
    path("matchers/", views.matchers, name="matchers"),
    path("matchers/<slug:slug>/", views.matcher_page, name="matcher_page"),
]
