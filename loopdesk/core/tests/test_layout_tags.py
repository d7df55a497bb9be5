from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from loopdesk.core.templatetags.loopdesk_layout import select_options


def test_select_options_escapes_values_and_labels_and_marks_the_current_one():
    html = select_options(
        [
            (1, 'Tom & "Jerry"'),
            ('"><script>x</script>', "<b>bold</b>"),
            (3, mark_safe("<i>ok</i>")),
        ],
        current=1,
    )
    assert html == (
        '<option value="1" selected>Tom &amp; &quot;Jerry&quot;</option>'
        '<option value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">&lt;b&gt;bold&lt;/b&gt;</option>'
        '<option value="3"><i>ok</i></option>'
    )
    assert "selected" not in select_options([(1, "a")], current="")


def test_select_options_translates_lazy_labels_in_the_active_language():
    choices = [("open", gettext_lazy("Open"))]
    with override("zh-hans"):
        assert select_options(choices) == '<option value="open">处理中</option>'
    assert select_options(choices) == '<option value="open">Open</option>'
