"""Text from data/ shown by book.show_records is text, never markup."""

from markdown_it import MarkdownIt

from microwork.analysis.book import escape_markdown

HOSTILE = "Appen <script>alert(1)</script> {raw}`html` [click](javascript:alert(1)) **bold** 5.6 % | x\nnew line"


def test_escaped_text_renders_as_the_same_text():
    html = MarkdownIt("commonmark").render(escape_markdown(HOSTILE))
    assert "<script>" not in html and "<a " not in html and "<strong>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{raw}`html`" in html and "<code>" not in html
    assert "5.6 % | x new line" in html  # one line: a newline in a cell cannot end a block


def test_plain_text_is_unchanged_apart_from_escapes():
    assert escape_markdown("Wirk (Foule Factory)") == r"Wirk \(Foule Factory\)"
    assert MarkdownIt("commonmark").render(escape_markdown("Wirk (Foule Factory)")) == "<p>Wirk (Foule Factory)</p>\n"
