"""option_tags: the selects' options built in Python (assignees, groups)."""
from portal.templating import option_tags


def test_marks_the_chosen_value_compared_as_text_and_escapes_everything():
    html = option_tags([(1, "Ann <b>"), (2, 'Bob "B"', "3 7")], "2")
    assert html == ('<option value="1">Ann &lt;b&gt;</option>'
                    '<option value="2" data-groups="3 7" selected>Bob &#34;B&#34;</option>')
    assert option_tags([(5, "Eve")], 5) == '<option value="5" selected>Eve</option>'


def test_nothing_chosen_selects_nothing():
    assert "selected" not in option_tags([(1, "Ann"), (2, "Bob")], None)
    assert option_tags([], "1") == ""


def test_one_list_built_once_serves_every_choice():
    choices = [(1, "Ann"), (2, "Bob"), (3, "Cy")]
    assert option_tags(choices, 1).count("selected") == 1 and '"1" selected' in option_tags(choices, 1)
    assert '"3" selected' in option_tags(choices, "3") and '"1" selected' not in option_tags(choices, "3")
