from django.urls import path

from . import views, views_reconcile

app_name = "registry"
urlpatterns = [
    path("register/", views.ranking, name="ranking"),
    path("register/afstemming/", views_reconcile.reconciliation, name="reconciliation"),
    path("register/bedrijven/", views.company_list, name="companies"),
    path("register/bedrijven/<slug:slug>/", views.company_detail, name="company"),
    path("register/installaties/<str:eutl_id>/", views.installation_detail, name="installation"),
]
