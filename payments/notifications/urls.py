from django.urls import path

from payments.notifications import views

# Mounted under /payments/ inside the language patterns (/en/payments/… for English).
urlpatterns = [
    path("mail/unsubscribe/<str:token>/", views.mail_unsubscribe_view, name="mail_unsubscribe"),
    path("donor/<str:token>/mail/", views.mail_preferences_view, name="mail_preferences"),
]
