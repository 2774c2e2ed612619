"""Top-level URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from maatwerk.accounts.views import LoginForm
from maatwerk.api.api import api
from maatwerk.portal.api import api as public_api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("inloggen/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("maatwerk.accounts.urls")),
    path("", include("maatwerk.core.urls")),
    path("api/v1/", api.urls),
    path("api/public/v1/", public_api.urls),
    path("", include("maatwerk.registry.urls")),
    path("", include("maatwerk.trajectories.urls")),
    path("", include("maatwerk.finance.urls")),
    path("", include("maatwerk.casefiles.urls")),
    path("", include("maatwerk.figures.urls")),
    path("", include("maatwerk.programme.urls")),
    path("", include("maatwerk.reporting.urls")),
    path("", include("maatwerk.portal.urls")),
]

# Error pages in the site's layout, in Dutch (issue 15).
handler403 = "maatwerk.core.views.permission_denied"
handler404 = "maatwerk.core.views.page_not_found"
handler500 = "maatwerk.core.views.server_error"
