from django.urls import path

from payments.matching import views

urlpatterns = [
    path("matchers/", views.matchers, name="matchers"),
    path("matchers/<slug:slug>/", views.matcher_page, name="matcher_page"),
    path("matchers/pay/<str:token>/", views.card_pay_page, name="matcher_card_pay"),
    path("matchers/pay/<str:token>/<str:step>/", views.card_pay_step, name="matcher_card_pay_step"),
]
