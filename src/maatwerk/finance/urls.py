from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("projecten/", views.project_list, name="projects"),
    path("projecten/<int:pk>/", views.project_detail, name="project"),
]
