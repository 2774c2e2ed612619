from django.urls import path

from . import views

app_name = "casefiles"

urlpatterns = [
    path("casusbestanden/inlezen/", views.upload, name="upload"),
]
