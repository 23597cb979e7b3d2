from django.urls import path

from payments.public_pages import views

urlpatterns = [
    path("donate/<slug:slug>/", views.donate_page, name="donate_page"),
]
