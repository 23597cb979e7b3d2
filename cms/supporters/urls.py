from django.urls import path

from cms.supporters import views

# Supporters' pages and teams (ADR 0234), under the language prefixes like every public page.
urlpatterns = [
    path("supporters/mine/", views.my_pages, name="supporter_mine"),
    path("supporters/start/<slug:campaign_slug>/", views.page_start, name="supporter_start"),
    path("supporters/for/<slug:campaign_slug>/", views.campaign_supporters, name="campaign_supporters"),
    path("supporters/<slug:slug>/", views.supporter_page, name="supporter_page"),
    path("supporters/<slug:slug>/edit/", views.page_edit, name="supporter_edit"),
    path("supporters/<slug:slug>/report/", views.page_report, name="supporter_report"),
    path("supporters/<slug:slug>/preview.png", views.supporter_card, name="supporter_card"),
    path("supporters/<slug:slug>/qr.svg", views.supporter_qr, name="supporter_qr"),
    path("teams/<slug:slug>/", views.team_page, name="supporter_team"),
    path("teams/<slug:slug>/preview.png", views.team_card, name="supporter_team_card"),
    path("teams/<slug:slug>/qr.svg", views.team_qr, name="supporter_team_qr"),
]
