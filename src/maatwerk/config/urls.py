"""Top-level URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from maatwerk.api.api import api
from maatwerk.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("inloggen/", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", api.urls),
    path("", include("maatwerk.registry.urls")),
    path("", include("maatwerk.trajectories.urls")),
    path("", include("maatwerk.finance.urls")),
    path("", include("maatwerk.programme.urls")),
]
