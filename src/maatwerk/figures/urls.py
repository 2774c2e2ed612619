from django.urls import path

from . import views

app_name = "figures"
urlpatterns = [
    path("cijfers/te-publiceren/", views.queue, name="queue"),
    path("cijfers/bedrijven/<slug:slug>/", views.company_figures, name="company"),
    path("cijfers/bedrijven/<slug:slug>/vastleggen/", views.record, name="record"),
    path("cijfers/projecten/<int:pk>/", views.project_figures, name="project"),
    path("cijfers/<int:pk>/voorstellen/", views.propose_figure, name="propose"),
    path("cijfers/<int:pk>/publiceren/", views.publish_figure, name="publish"),
    path("cijfers/documenten/<int:pk>/voorstellen/", views.propose_document, name="propose_document"),
    path("cijfers/documenten/<int:pk>/publiceren/", views.publish_document, name="publish_document"),
]
