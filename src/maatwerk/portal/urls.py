from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("bedrijven/<slug:slug>/", views.company, name="company"),
    path("documenten/", views.documents, name="documents"),
    path("documenten/<int:pk>/download/", views.document_file, name="document_file"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<str:name>.<str:fmt>", views.download, name="download"),
]
