from django.urls import path

from . import views

app_name = "trajectories"
urlpatterns = [
    path("trajecten/", views.board, name="board"),
    path("trajecten/nieuw/", views.company_new, name="company_new"),
    path("trajecten/<int:pk>/bedrijf/", views.company_edit, name="company_edit"),
    path("trajecten/<int:pk>/partijen/", views.party_add, name="party_add"),
    path("trajecten/<int:pk>/partijen/<int:party_pk>/verwijderen/", views.party_remove, name="party_remove"),
    path("trajecten/<int:pk>/bronnen/", views.source, name="source"),
    path("trajecten/<int:pk>/notities/", views.note, name="note"),
    path("trajecten/<int:pk>/", views.detail, name="detail"),
    path("trajecten/<int:pk>/overgang/", views.move, name="move"),
    path("trajecten/<int:pk>/documenten/", views.upload, name="upload"),
    path("trajecten/<int:pk>/documenten/<int:doc_pk>/beoordeling/", views.review, name="review"),
    path("trajecten/<int:pk>/amvi-advies/", views.amvi_advice, name="amvi_advice"),
    path("trajecten/<int:pk>/amvi-punten/<int:item_pk>/reactie/", views.respond, name="respond"),
    path("trajecten/<int:pk>/kamer/", views.parliament, name="parliament"),
    path("trajecten/<int:pk>/toelating/", views.eligibility, name="eligibility"),
    path("documenten/<int:pk>/bestand/", views.download, name="download"),
]
