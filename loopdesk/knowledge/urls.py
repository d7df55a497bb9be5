from django.urls import path

from .views import editor, help, panel

app_name = "knowledge"
urlpatterns = [
    # Public help centre (no login).
    path("help/", help.root, name="help_root"),
    path("help/<str:lang>/", help.home, name="help_home"),
    path("help/<str:lang>/categories/<slug:slug>/", help.category, name="help_category"),
    path("help/<str:lang>/articles/<int:pk>/", help.article, name="help_article"),
    path("help/<str:lang>/search/", help.search, name="help_search"),
    path("help/articles/<int:pk>/vote/", help.vote, name="help_vote"),
    path("help/files/<uuid:public_id>/", help.attachment, name="help_file"),
    # Staff: editor.
    path("kb/", editor.article_list, name="staff_list"),
    path("kb/new/", editor.article_new, name="staff_new"),
    path("kb/gaps/", editor.gaps, name="staff_gaps"),
    path("kb/preview/", editor.preview, name="staff_preview"),
    path("kb/categories/", editor.categories, name="staff_categories"),
    path("kb/articles/<int:pk>/", editor.article_detail, name="staff_article"),
    path("kb/articles/<int:pk>/edit/", editor.article_edit, name="staff_edit"),
    path("kb/articles/<int:pk>/status/", editor.article_status, name="staff_status"),
    path("kb/articles/<int:pk>/translate/", editor.article_translate, name="staff_translate"),
    path("kb/articles/<int:pk>/history/", editor.article_history, name="staff_history"),
    path("kb/articles/<int:pk>/history/<int:number>/", editor.revision_diff, name="staff_diff"),
    path(
        "kb/articles/<int:pk>/history/<int:number>/restore/",
        editor.revision_restore,
        name="staff_restore",
    ),
    path("kb/articles/<int:pk>/files/", editor.attachment_upload, name="staff_upload"),
    # Staff: the ticket page's knowledge panel.
    path("kb/tickets/<int:number>/panel/", panel.ticket_panel, name="ticket_panel"),
    path("kb/messages/<int:pk>/to-article/", panel.message_to_article, name="message_to_article"),
]
