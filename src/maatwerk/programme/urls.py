from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("programma/", views.dashboard, name="dashboard"),
    path("programma/aannames/", views.assumptions, name="assumptions"),
    path("monitoring/", views.monitoring_list, name="monitoring"),
    path("monitoring/mijlpalen/<int:pk>/", views.milestone_edit, name="milestone_edit"),
]
