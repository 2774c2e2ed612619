from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("rapportage/voortgangsbrief/", views.progress_letter, name="letter"),
    path("rapportage/overzichten/", views.overviews, name="overviews"),
    path("rapportage/overzichten/<str:name>.<str:fmt>", views.overview_download, name="overview"),
]
