from django.urls import path

from cms.sharing import views

urlpatterns = [
    path("share/<int:page_id>/preview.png", views.share_card, name="share_card"),
    path("share/<int:page_id>/qr.svg", views.share_qr, name="share_qr"),
    path("share/<int:page_id>/poster.pdf", views.share_poster, name="share_poster"),
]
