from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("rapportage/", views.index, name="index"),
    path("rapportage/voortgangsbrief/", views.progress_letter, name="letter"),
    path("rapportage/brieven/nieuw/", views.letter_new, name="letter_new"),
    path("rapportage/brieven/<int:pk>/", views.letter_edit, name="letter_edit"),
    path("rapportage/brieven/<int:pk>/tekst-opnieuw/", views.letter_regenerate, name="letter_regenerate"),
    path("rapportage/brieven/<int:pk>/verzenden/", views.letter_send, name="letter_send"),
    path("rapportage/brieven/<int:pk>/brief.<str:fmt>", views.letter_file, name="letter_file"),
    path("rapportage/overzichten/", views.overviews, name="overviews"),
    path("rapportage/overzichten/<str:name>/woordenboek.csv", views.overview_dictionary_csv, name="overview_dictionary"),
    path("rapportage/overzichten/<str:name>.<str:fmt>", views.overview_download, name="overview"),
    # sent letters are public
    path("kamerbrieven/", views.sent_letters, name="sent_letters"),
    path("kamerbrieven/<int:pk>/", views.sent_letter, name="sent_letter"),
    path("kamerbrieven/<int:pk>/brief.<str:fmt>", views.sent_letter_file, name="sent_letter_file"),
]
