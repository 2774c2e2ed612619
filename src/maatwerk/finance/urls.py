from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("projecten/", views.project_list, name="projects"),
    path("projecten/<int:pk>/", views.project_detail, name="project"),
    path("projecten/<int:pk>/bewerken/", views.project_edit, name="project_edit"),
    path("projecten/<int:pk>/businesscase/", views.business_case_edit, name="business_case_edit"),
    path("trajecten/<int:pk>/projecten/nieuw/", views.project_new, name="project_new"),
]
