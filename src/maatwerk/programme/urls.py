from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("programma/", views.dashboard, name="dashboard"),
    path("programma/aannames/", views.assumptions, name="assumptions"),
    path("monitoring/", views.monitoring_list, name="monitoring"),
    path("monitoring/mijlpalen/<int:pk>/", views.milestone_edit, name="milestone_edit"),
    path("monitoring/projecten/<int:pk>/mijlpalen/nieuw/", views.milestone_add, name="milestone_add"),
    path("monitoring/trajecten/<int:pk>/verwachtingen/", views.expectations, name="expectations"),
    path("programma/projecten/<int:pk>/budget/", views.project_budget, name="project_budget"),
]
