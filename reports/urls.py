from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("<int:run_id>.pdf", views.public_report, name="public"),
    path("statements/<str:token>/", views.donor_statement, name="statement"),
    path("my-statement/", views.my_statement, name="my_statement"),
]
