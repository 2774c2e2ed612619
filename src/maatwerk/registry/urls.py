from django.urls import path

from . import views, views_mapping, views_reconcile

app_name = "registry"
urlpatterns = [
    path("register/", views.ranking, name="ranking"),
    path("register/afstemming/", views_reconcile.reconciliation, name="reconciliation"),
    path("register/koppelen/", views_mapping.mapping, name="mapping"),
    path("register/koppelen/installaties/<str:eutl_id>/", views_mapping.mapping_installation, name="mapping_installation"),
    path("register/koppelen/rekeninghouders/<int:pk>/", views_mapping.mapping_operator, name="mapping_operator"),
    path("register/bedrijven/", views.company_list, name="companies"),
    path("register/bedrijven/<slug:slug>/", views.company_detail, name="company"),
    path("register/installaties/<str:eutl_id>/", views.installation_detail, name="installation"),
]
