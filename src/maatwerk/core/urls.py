from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("over-deze-site/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("contact/", views.contact, name="contact"),
]
