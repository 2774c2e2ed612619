from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("register/", views.ranking, name="ranking"),
    path("register/bedrijven/", views.company_list, name="companies"),
    path("register/bedrijven/<slug:slug>/", views.company_detail, name="company"),
    path("register/installaties/<str:eutl_id>/", views.installation_detail, name="installation"),
]
